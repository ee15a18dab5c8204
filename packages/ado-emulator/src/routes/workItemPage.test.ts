import request from 'supertest';
import { emulator, PAT } from '../__testUtils__/helpers';
import { escapeHtml, htmlToText } from '../html/escape';

describe('work item page (_workitems/edit/N)', () => {
  it('shows a work item without credentials: title, state, assignee, type, project, comments', async () => {
    const { app } = emulator();
    const res = await request(app).get('/fabrikam/_workitems/edit/1');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain(
      '<title>Bug 1: Login page returns 500 after password reset - Azure DevOps emulator</title>',
    );
    expect(res.text).toContain(
      '<span class="badge" data-testid="state">Active</span>',
    );
    expect(res.text).toContain('<th>Assigned To</th><td>Alice Smith</td>');
    expect(res.text).toContain('<th>Work Item Type</th><td>Bug</td>');
    expect(res.text).toContain('<th>Project</th><td>Fabrikam-Fiber</td>');
    expect(res.text).toContain('Reproduced on staging.');
    expect(res.text).toContain('Bob Jones created the work item');
  });

  it('answers the project form of the URL (the _links.html one) too', async () => {
    const { app, state } = emulator();
    const project = state.org('fabrikam')!.projects[0];
    for (const path of [
      `/fabrikam/${project.id}/_workitems/edit/2`,
      '/fabrikam/Fabrikam-Fiber/_workitems/edit/2',
      '/FABRIKAM/_workitems/edit/2',
    ]) {
      const res = await request(app).get(path);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Order history shows duplicate rows');
    }
  });

  it('escapes everything it shows', async () => {
    const { app } = emulator();
    const nasty = `<script>alert("x")</script> & 'q'`;
    const created = await request(app)
      .post('/_admin/fabrikam/workitems')
      .send({
        project: 'Fabrikam-Fiber',
        type: 'Bug',
        fields: {
          'System.Title': nasty,
          'System.Tags': '<img src=x onerror=alert(1)>',
          'System.Description':
            '<p>Steps:</p><p>1 &lt; 2 <script>bad()</script></p>',
          'System.History': '<b>bold</b> <iframe src="//evil"></iframe>',
        },
      })
      .expect(200);
    const res = await request(app).get(
      `/fabrikam/_workitems/edit/${created.body.id}`,
    );
    expect(res.status).toBe(200);
    expect(res.text).not.toMatch(/<script|<img|<iframe/i);
    expect(res.text).toContain(escapeHtml(nasty));
    expect(res.text).toContain('Steps:\n1 &lt; 2 bad()');
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('lists recent changes newest first, with who made them', async () => {
    const { app } = emulator();
    await request(app)
      .post('/_admin/fabrikam/workitems/2')
      .send({
        as: 'bob@example.com',
        fields: {
          'System.State': 'Active',
          'System.AssignedTo': 'carol@example.com',
        },
      })
      .expect(200);
    await request(app)
      .post('/_admin/fabrikam/workitems/2')
      .send({
        as: 'carol@example.com',
        fields: {
          'System.State': 'Resolved',
          'System.History': 'Fixed in 2.14',
        },
      })
      .expect(200);
    const { text } = await request(app).get('/fabrikam/_workitems/edit/2');
    const resolved = text.indexOf(
      'Carol White changed <b>State</b> from Active to Resolved',
    );
    const activated = text.indexOf(
      'Bob Jones changed <b>State</b> from New to Active',
    );
    expect(resolved).toBeGreaterThan(0);
    expect(activated).toBeGreaterThan(resolved);
    expect(text).toContain(
      'Bob Jones changed <b>Assigned To</b> from (empty) to Carol White',
    );
    expect(text).toContain(
      'Carol White commented:<div class="text">Fixed in 2.14</div>',
    );
  });

  it('its form changes the item as a user in ADO (rules and service hooks as REST), then shows it', async () => {
    const { app, state } = emulator();
    const changes: string[] = [];
    state.onChange(c =>
      changes.push(`${c.kind} ${c.after.id} by ${c.by.email}`),
    );
    const res = await request(app)
      .post('/fabrikam/_workitems/edit/1')
      .type('form')
      .send({
        state: 'Resolved',
        assignedTo: '',
        as: 'dan@example.com',
        comment: 'Fixed <for real>\nin 2.14',
      });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/fabrikam/_workitems/edit/1');
    expect(changes).toEqual(['updated 1 by dan@example.com']);
    const wi = state.workItem(state.org('fabrikam')!, 1)!;
    expect(wi.fields['System.State']).toBe('Resolved');
    expect(wi.fields['System.AssignedTo']).toBeUndefined();
    expect(wi.fields['System.History']).toBe(
      'Fixed &lt;for real&gt;<br>in 2.14',
    );

    const page = await request(app).get('/fabrikam/_workitems/edit/1');
    expect(page.text).toContain('<th>Assigned To</th><td>Unassigned</td>');
    expect(page.text).toContain('Fixed &lt;for real&gt;\nin 2.14');

    const bad = await request(app)
      .post('/fabrikam/_workitems/edit/1')
      .type('form')
      .send({ state: 'Nope', as: 'dan@example.com' });
    expect(bad.status).toBe(400);
    const stranger = await request(app)
      .post('/contoso/_workitems/edit/1')
      .type('form')
      .send({ state: 'Active', as: 'carol@example.com' });
    expect(stranger.status).toBe(400);
  });

  it('answers a readable 404 for an unknown org, item or a deleted item', async () => {
    const { app } = emulator();
    const org = await request(app).get('/acme/_workitems/edit/1');
    expect(org.status).toBe(404);
    expect(org.text).toContain(
      'This emulator has no organization &quot;acme&quot;. It knows: contoso, fabrikam.',
    );
    const item = await request(app).get('/fabrikam/_workitems/edit/999');
    expect(item.status).toBe(404);
    expect(item.text).toContain('fabrikam has no work item 999.');
    await request(app).delete('/_admin/fabrikam/workitems/3').expect(200);
    const deleted = await request(app).get('/fabrikam/_workitems/edit/3');
    expect(deleted.status).toBe(404);
    expect(deleted.text).toContain('recycle bin');
  });

  it('leaves the REST API behind its credential', async () => {
    const { app } = emulator();
    expect(
      (await request(app).get('/fabrikam/_apis/wit/workItems/1')).status,
    ).toBe(401);
    expect(
      (
        await request(app)
          .get('/fabrikam/_apis/wit/workItems/1')
          .set('Authorization', PAT)
      ).status,
    ).toBe(200);
  });
});

describe('htmlToText', () => {
  it('keeps line structure, drops tags and decodes entities', () => {
    expect(
      htmlToText(
        'Jane wrote:<br><br><blockquote>a &lt; b &amp;&#32;c&#x21;</blockquote><div>next</div>',
      ),
    ).toBe('Jane wrote:\n\na < b & c!\nnext');
    expect(htmlToText(undefined)).toBe('');
  });
});
