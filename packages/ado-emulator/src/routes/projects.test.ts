import request from 'supertest';
import { generateSeed } from '../seed/generateSeed';
import {
  emulator,
  expectSameShape,
  fixtureBody,
  fixtureRaw,
  keys,
  PAT,
} from '../__testUtils__/helpers';

describe('projects', () => {
  const { app } = emulator();

  it('lists projects shaped like the real capture', async () => {
    const res = await request(app)
      .get('/fabrikam/_apis/projects?api-version=7.1')
      .set('Authorization', PAT);
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(['count', 'value']);
    expect(res.body.count).toBe(5);
    const model = fixtureBody('projects-list.capture.json').value[0];
    for (const item of res.body.value) {
      expectSameShape(item, model);
      expect(item.state).toBe('wellFormed');
      expect(item.url).toBe(
        `http://ado.test/fabrikam/_apis/projects/${item.id}`,
      );
    }
    expect(res.body.value.map((p: any) => p.name)).toEqual([
      'Fabrikam-Fiber',
      'Payments',
      'Mobile',
      'Docs',
      'Platform',
    ]);
    expect(res.headers['x-ms-continuationtoken']).toBeUndefined();
  });

  it('pages 220 projects as 100 + 100 + 20 with a continuation header', async () => {
    const big = emulator({
      seed: generateSeed({ projects: 220, processes: 3 }),
    });
    const page = (skip: number) =>
      request(big.app)
        .get(
          `/fabrikam/_apis/projects?stateFilter=WellFormed&$top=100&$skip=${skip}`,
        )
        .set('Authorization', PAT);
    const p1 = await page(0);
    const p2 = await page(100);
    const p3 = await page(200);
    expect([p1.body.count, p2.body.count, p3.body.count]).toEqual([
      100, 100, 20,
    ]);
    expect(p1.headers['x-ms-continuationtoken']).toBe('100');
    expect(p2.headers['x-ms-continuationtoken']).toBe('200');
    expect(p3.headers['x-ms-continuationtoken']).toBeUndefined();
    const names = new Set(
      [...p1.body.value, ...p2.body.value, ...p3.body.value].map(
        (p: any) => p.name,
      ),
    );
    expect(names.size).toBe(220);
    // Default $top is 100, like ADO; the header mirrors projects-list-paged.capture.json.
    const def = await request(big.app)
      .get('/fabrikam/_apis/projects')
      .set('Authorization', PAT);
    expect(def.body.count).toBe(100);
    expect(
      fixtureRaw('projects-list-paged.capture.json').response.headers,
    ).toHaveProperty('x-ms-continuationtoken');
  });

  it('gets one project by name or id, with capabilities', async () => {
    const byName = await request(app)
      .get('/fabrikam/_apis/projects/docs?includeCapabilities=true')
      .set('Authorization', PAT);
    expect(byName.status).toBe(200);
    expect(byName.body.name).toBe('Docs');
    expect(byName.body.capabilities.processTemplate).toEqual({
      templateName: 'Basic',
      templateTypeId: 'b8a3a935-7e91-48b8-a94c-606d37c3e9f2',
    });
    expect(byName.body._links.collection.href).toContain(
      'c3f5a4c2-5d4b-4a6e-9f4e-0e8f3b1a2d10',
    );
    const byId = await request(app)
      .get(`/fabrikam/_apis/projects/${byName.body.id}`)
      .set('Authorization', PAT);
    expect(byId.body.name).toBe('Docs');
    expect(byId.body.defaultTeam.name).toBe('Docs Team');
  });

  it('answers 404 TF200016 for an unknown project', async () => {
    const res = await request(app)
      .get('/fabrikam/_apis/projects/Nope')
      .set('Authorization', PAT);
    expect(res.status).toBe(404);
    expect(keys(res.body)).toEqual(
      keys(fixtureBody('error-404-project.capture.json')),
    );
    expect(res.body.typeKey).toBe('ProjectDoesNotExistWithNameException');
    expect(res.body.message).toMatch(
      /^TF200016: The following project does not exist: Nope\./,
    );
  });

  it('returns no projects for other state filters', async () => {
    const res = await request(app)
      .get('/fabrikam/_apis/projects?stateFilter=deleting')
      .set('Authorization', PAT);
    expect(res.body).toEqual({ count: 0, value: [] });
  });
});
