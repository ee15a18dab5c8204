import request from 'supertest';
import { emulator, fixtureBody, keys, PAT } from '../__testUtils__/helpers';

describe('WIQL', () => {
  const emu = emulator();
  const wiql = (query: string, path = '/fabrikam/_apis/wit/wiql') =>
    request(emu.app)
      .post(`${path}?api-version=7.1`)
      .set('Authorization', PAT)
      .send({ query });
  const ids = async (query: string, path?: string) => {
    const res = await wiql(query, path);
    expect(res.status).toBe(200);
    return res.body.workItems.map((w: any) => w.id) as number[];
  };
  const titleOf = (id: number) =>
    emu.state.org('fabrikam')!.workItems.get(id)!.fields['System.Title'];

  it('answers shaped like the real capture', async () => {
    const res = await wiql(
      "select [System.Id], [System.WorkItemType], [System.Title], [System.AssignedTo], [System.State], [System.Tags] from WorkItems where [System.TeamProject] = 'Payments' and [System.WorkItemType] = 'Task'",
    );
    const model = fixtureBody('wiql-response.capture.json');
    expect(keys(res.body)).toEqual(keys(model));
    expect(res.body.columns).toHaveLength(6);
    expect(keys(res.body.columns[0])).toEqual(keys(model.columns[0]));
    expect(res.body.columns[2]).toEqual({
      referenceName: 'System.Title',
      name: 'Title',
      url: 'http://ado.test/fabrikam/_apis/wit/fields/System.Title',
    });
    expect(res.body.queryResultType).toBe('workItem');
    expect(res.body.workItems).toHaveLength(1);
    expect(keys(res.body.workItems[0])).toEqual(['id', 'url']);
    expect(titleOf(res.body.workItems[0].id)).toBe(
      'Rotate payment gateway keys',
    );
  });

  it('matches title CONTAINS case-insensitively, with doubled quotes', async () => {
    const found = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'o''brien'",
    );
    expect(found).toHaveLength(1);
    expect(titleOf(found[0])).toBe("App crashes when the user name is O'Brien");
    expect(
      await ids(
        "SELECT [System.Id] FROM WorkItems WHERE [System.Title] CONTAINS 'no such thing'",
      ),
    ).toEqual([]);
  });

  it('matches ids, states, <> and IN', async () => {
    expect(
      await ids('SELECT [System.Id] FROM WorkItems WHERE [System.Id] = 3'),
    ).toEqual([3]);
    const active = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.State] = 'Active'",
    );
    expect(active.length).toBeGreaterThan(0);
    const notActive = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.State] <> 'Active'",
    );
    expect(active.filter(id => notActive.includes(id))).toEqual([]);
    const inList = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.State] IN ('Active', 'New')",
    );
    expect(inList.length).toBeGreaterThan(active.length);
    const notIn = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.State] NOT IN ('Active', 'New')",
    );
    expect(inList.filter(id => notIn.includes(id))).toEqual([]);
  });

  it('supports @project on the project route, AND/OR and parentheses', async () => {
    const mobile = await ids(
      'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project',
      '/fabrikam/Mobile/_apis/wit/wiql',
    );
    expect(mobile).toHaveLength(2);
    const team = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND ([System.WorkItemType] = 'Bug' OR [System.WorkItemType] = 'Feature')",
      '/fabrikam/Mobile/Mobile%20Team/_apis/wit/wiql',
    );
    expect(team).toEqual(mobile);
    const noProject = await wiql(
      'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project',
    );
    expect(noProject.status).toBe(400);
  });

  it('filters by ChangedDate and orders by it', async () => {
    const org = emu.state.org('fabrikam')!;
    const cutoff = new Date(Date.now() + 1000).toISOString();
    expect(
      await ids(
        `SELECT [System.Id] FROM WorkItems WHERE [System.ChangedDate] >= '${cutoff}'`,
      ),
    ).toEqual([]);
    await request(emu.app)
      .post('/_admin/fabrikam/workitems/6')
      .send({ fields: { 'System.Title': 'touched later' } });
    const all = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' ORDER BY [System.ChangedDate] DESC",
    );
    expect(all[0]).toBe(6);
    const dates = all.map(id =>
      Date.parse(String(org.workItems.get(id)!.fields['System.ChangedDate'])),
    );
    expect([...dates].sort((a, b) => b - a)).toEqual(dates);
    const asc = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' ORDER BY [System.Id] ASC",
    );
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
  });

  it('limits with $top', async () => {
    const res = await request(emu.app)
      .post('/fabrikam/_apis/wit/wiql?$top=2')
      .set('Authorization', PAT)
      .send({
        query: 'SELECT [System.Id] FROM WorkItems ORDER BY [System.Id]',
      });
    expect(res.body.workItems.map((w: any) => w.id)).toEqual([1, 2]);
  });

  it('matches whole tags with CONTAINS and area paths with UNDER', async () => {
    const tagged = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Fabrikam-Fiber' AND [System.Tags] CONTAINS 'web-shop' AND [System.Tags] CONTAINS 'CHECKOUT'",
    );
    expect(tagged.map(titleOf).sort()).toEqual([
      'As a customer I can save my cart',
      'Guest checkout without an account',
    ]);
    // A tag is matched whole, not as a substring of another tag.
    expect(
      await ids(
        "SELECT [System.Id] FROM WorkItems WHERE [System.Tags] CONTAINS 'web'",
      ),
    ).toEqual([]);
    const web = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.AreaPath] UNDER 'fabrikam-fiber\\web'",
    );
    expect(web.length).toBeGreaterThan(1);
    expect(
      web.every(id =>
        String(
          emu.state.org('fabrikam')!.workItems.get(id)!.fields[
            'System.AreaPath'
          ],
        ).startsWith('Fabrikam-Fiber\\Web'),
      ),
    ).toBe(true);
    // UNDER the project itself is every item of the project.
    expect(
      await ids(
        "SELECT [System.Id] FROM WorkItems WHERE [System.AreaPath] UNDER 'Fabrikam-Fiber'",
      ),
    ).toEqual(
      await ids(
        "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Fabrikam-Fiber'",
      ),
    );
  });

  it('matches an assignee by e-mail and a type, on the project route, newest change first', async () => {
    const found = await ids(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Fabrikam-Fiber' AND [System.AssignedTo] = 'Carol@Example.com' AND [System.WorkItemType] = 'Task' AND ([System.Id] = 15 OR [System.Title] CONTAINS 'lazy') ORDER BY [System.ChangedDate] DESC",
      '/fabrikam/Fabrikam-Fiber/_apis/wit/wiql',
    );
    expect(found.map(titleOf)).toEqual(['Lazy-load product images']);
  });

  it('keeps escaped quotes, brackets and keywords inside a literal', async () => {
    for (const hostile of [
      "x'' OR [System.Id] > ''0",
      "Payments'' OR 1=1 --",
      '[System.Id] = 1',
    ]) {
      expect(
        await ids(
          `SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = '${hostile}' ORDER BY [System.ChangedDate] DESC`,
        ),
      ).toEqual([]);
    }
  });

  it('answers 400 with an ADO error for unsupported syntax', async () => {
    for (const q of [
      'SELECT [System.Id] FROM WorkItemLinks',
      "SELECT [System.Id] FROM WorkItems WHERE [System.Title] ~ 'x'",
      "SELECT [System.Id] FROM WorkItems WHERE [System.Title] = 'unterminated",
      'DELETE FROM WorkItems',
    ]) {
      const res = await wiql(q);
      expect(res.status).toBe(400);
      expect(res.body.typeKey).toBe('SyntaxException');
      expect(res.body.message).toMatch(/^TF51006/);
    }
  });
});
