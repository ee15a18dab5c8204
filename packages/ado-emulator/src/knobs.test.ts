import request from 'supertest';
import {
  emulator,
  fixtureBody,
  fixtureRaw,
  keys,
  PAT,
} from './__testUtils__/helpers';

describe('knobs and stats', () => {
  const emu = emulator();
  const { app } = emu;
  const get = (path = '/fabrikam/_apis/projects') =>
    request(app).get(path).set('Authorization', PAT);
  afterEach(() => request(app).post('/_admin/reset').send({}));

  it('adds latency to API requests', async () => {
    const set = await request(app)
      .post('/_admin/knobs')
      .send({ latencyMs: 120 });
    expect(set.body.latencyMs).toBe(120);
    const start = Date.now();
    await get();
    expect(Date.now() - start).toBeGreaterThanOrEqual(115);
    expect((await request(app).get('/_admin/knobs')).body).toEqual({
      latencyMs: 120,
      throttle: null,
      fail: null,
    });
  });

  it('throttles after N requests with 429, Retry-After, X-RateLimit-* and TF400733', async () => {
    await request(app)
      .post('/_admin/knobs')
      .send({ throttle: { afterRequests: 2, retryAfterSeconds: 7, count: 2 } });
    expect((await get()).status).toBe(200);
    expect((await get()).status).toBe(200);
    const blocked = await get();
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('7');
    expect(blocked.headers['x-ratelimit-resource']).toBeDefined();
    expect(blocked.headers['x-ratelimit-delay']).toBeDefined();
    expect(blocked.headers['x-ratelimit-limit']).toBeDefined();
    expect(blocked.headers['x-ratelimit-remaining']).toBe('0');
    const reset = Number(blocked.headers['x-ratelimit-reset']);
    expect(reset).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
    expect(keys(blocked.body)).toEqual(
      keys(fixtureBody('error-429-request-blocked.json')),
    );
    expect(blocked.body.typeKey).toBe('RequestBlockedException');
    expect(blocked.body.message).toMatch(/^TF400733/);
    expect((await get()).status).toBe(429);
    expect((await get()).status).toBe(200); // count used up
  });

  it('throttles until reset when no count is given', async () => {
    await request(app)
      .post('/_admin/knobs')
      .send({ throttle: { afterRequests: 0, retryAfterSeconds: 1 } });
    for (let i = 0; i < 3; i++) expect((await get()).status).toBe(429);
    await request(app).post('/_admin/knobs').send({ throttle: null });
    expect((await get()).status).toBe(200);
  });

  it('injects 503s with the BOM-prefixed body of the capture', async () => {
    await request(app)
      .post('/_admin/knobs')
      .send({ fail: { status: 503, count: 1, pathContains: '/wit/' } });
    expect((await get()).status).toBe(200);
    const failed = await request(app)
      .get('/fabrikam/_apis/wit/workitems/1')
      .set('Authorization', PAT)
      .buffer(true)
      .parse((res, cb) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', c => (text += c));
        res.on('end', () => cb(null, text));
      });
    expect(failed.status).toBe(503);
    expect(failed.headers['content-type']).toBe('application/json');
    const text = failed.body as string;
    const model = fixtureRaw('error-503-collection-stopped.capture.json')
      .response.body as string;
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(model.charCodeAt(0)).toBe(0xfeff);
    expect(keys(JSON.parse(text.slice(1)))).toEqual(
      keys(JSON.parse(model.slice(1))),
    );
    expect((await get('/fabrikam/_apis/wit/workitems/1')).status).toBe(200);
  });

  it('counts API requests by route, and resets', async () => {
    await request(app).post('/_admin/stats/reset');
    await get();
    await get();
    await get('/fabrikam/_apis/wit/workitems/1');
    await request(app).get('/fabrikam/_apis/projects'); // 401s count too
    const stats = (await request(app).get('/_admin/stats')).body;
    expect(stats.requests).toBe(4);
    expect(stats.byRoute['GET /:org/_apis/projects']).toBe(2);
    expect(stats.byRoute['GET /:org/_apis/wit/workItems/:id']).toBe(1);
    await request(app).post('/_admin/stats/reset');
    expect((await request(app).get('/_admin/stats')).body).toEqual({
      requests: 0,
      byRoute: {},
    });
  });
});
