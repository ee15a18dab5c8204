import request from 'supertest';
import { generateSeed } from '../seed/generateSeed';
import { emulator, PAT } from '../__testUtils__/helpers';

describe('admin', () => {
  const { app } = emulator();

  it('edits as a user in ADO (default Alice) and shows the raw item', async () => {
    const res = await request(app)
      .post('/_admin/fabrikam/workitems/2')
      .send({
        fields: {
          'System.State': 'Active',
          'System.AssignedTo': 'dan@example.com',
          'System.History': 'on it',
        },
      });
    expect(res.status).toBe(200);
    const raw = (await request(app).get('/_admin/state/fabrikam/workitems/2'))
      .body;
    expect(raw.fields['System.ChangedBy']).toBe('alice@example.com');
    expect(raw.fields['System.AssignedTo']).toBe('dan@example.com');
    expect(raw.comments).toHaveLength(1);
    const as = await request(app)
      .post('/_admin/fabrikam/workitems/2')
      .send({ as: 'bob@example.com', fields: { 'System.AssignedTo': null } });
    expect(as.body.fields['System.ChangedBy']).toBe('bob@example.com');
    expect(as.body.fields['System.AssignedTo']).toBeUndefined();
    const bad = await request(app)
      .post('/_admin/fabrikam/workitems/2')
      .send({ fields: { 'System.State': 'Nope' } });
    expect(bad.status).toBe(400);
    expect(bad.body.typeKey).toBe('RuleValidationException');
  });

  it('creates and deletes items', async () => {
    const created = await request(app)
      .post('/_admin/fabrikam/workitems')
      .send({
        project: 'Docs',
        type: 'Issue',
        fields: { 'System.Title': 'Admin issue' },
      });
    expect(created.body.fields['System.State']).toBe('To Do');
    const del = await request(app).delete(
      `/_admin/fabrikam/workitems/${created.body.id}`,
    );
    expect(del.body.deleted).toBe(true);
    const rest = await request(app)
      .get(`/fabrikam/_apis/wit/workitems/${created.body.id}`)
      .set('Authorization', PAT);
    expect(rest.status).toBe(404);
  });

  it('resets to the initial seed or to a given one', async () => {
    await request(app)
      .post('/_admin/fabrikam/workitems/1')
      .send({ fields: { 'System.Title': 'changed' } });
    await request(app).post('/_admin/reset').send({});
    const raw = (await request(app).get('/_admin/state/fabrikam/workitems/1'))
      .body;
    expect(raw.fields['System.Title']).toBe(
      'Login page returns 500 after password reset',
    );
    const other = await request(app)
      .post('/_admin/reset')
      .send({
        seed: generateSeed({
          projects: 4,
          processes: 2,
          organizations: 2,
          workItemsPerProject: 2,
        }),
      });
    expect(other.body.organizations).toEqual(['fabrikam', 'org2']);
    const list = await request(app)
      .get('/org2/_apis/projects')
      .set('Authorization', PAT);
    expect(list.body.count).toBe(4);
    await request(app).post('/_admin/reset').send({});
  });
});
