import request from 'supertest';
import { emulator, PAT } from './__testUtils__/helpers';

describe('method faults', () => {
  const { app } = emulator();
  afterEach(() => request(app).delete('/_admin/method-faults'));

  const read = () =>
    request(app)
      .get('/fabrikam/_apis/wit/workitems/1?api-version=7.1')
      .set('Authorization', PAT);
  const write = (title: string) =>
    request(app)
      .patch('/fabrikam/_apis/wit/workitems/1?api-version=7.1')
      .set('Authorization', PAT)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'add', path: '/fields/System.Title', value: title }]);

  it('fails PATCHes of one work item while reads and other items work', async () => {
    const set = await request(app)
      .post('/_admin/method-faults')
      .send({ method: 'patch', status: 500, pathContains: '/WorkItems/1?' });
    expect(set.status).toBe(200);
    expect(set.body.faults).toEqual([
      {
        method: 'PATCH',
        status: 500,
        pathContains: '/WorkItems/1?',
        failed: 0,
      },
    ]);

    const refused = await write('Refused');
    expect(refused.status).toBe(500);
    expect(refused.headers['x-tfs-serviceerror']).toContain('VS800075');
    // ADO's error body: a UTF-8 BOM, then JSON.
    expect(refused.text.charCodeAt(0)).toBe(0xfeff);
    expect(JSON.parse(refused.text.slice(1)).typeKey).toBe(
      'VssServiceException',
    );
    expect((await read()).status).toBe(200);
    expect((await read()).body.fields['System.Title']).not.toBe('Refused');
    const other = await request(app)
      .patch('/fabrikam/_apis/wit/workitems/2?api-version=7.1')
      .set('Authorization', PAT)
      .set('Content-Type', 'application/json-patch+json')
      .send([{ op: 'add', path: '/fields/System.Title', value: 'Other' }]);
    expect(other.status).toBe(200);

    expect((await request(app).get('/_admin/method-faults')).body).toEqual({
      faults: [expect.objectContaining({ method: 'PATCH', failed: 1 })],
    });
    await request(app).delete('/_admin/method-faults').expect(204);
    expect((await write('Accepted')).status).toBe(200);
  });

  it('fails only `count` requests, and a new fault for the method and path replaces the old', async () => {
    await request(app)
      .post('/_admin/method-faults')
      .send({ method: 'PATCH', status: 503, count: 5 });
    await request(app)
      .post('/_admin/method-faults')
      .send({ method: 'PATCH', status: 400, count: 1 });
    const first = await write('One');
    expect(first.status).toBe(400);
    expect((await write('Two')).status).toBe(200);
  });

  it('is cleared by the admin reset', async () => {
    await request(app)
      .post('/_admin/method-faults')
      .send({ method: 'PATCH', status: 503 });
    expect((await write('Down')).status).toBe(503);
    await request(app).post('/_admin/reset').send({}).expect(200);
    expect((await request(app).get('/_admin/method-faults')).body).toEqual({
      faults: [],
    });
    expect((await write('Up')).status).toBe(200);
  });

  it('refuses a fault it cannot apply', async () => {
    for (const body of [
      {},
      { method: 'PATCH' },
      { method: 'PATCH', status: 200 },
      { method: 'PATCH', status: 500, count: -1 },
    ]) {
      const res = await request(app).post('/_admin/method-faults').send(body);
      expect(res.status).toBe(400);
    }
  });
});
