import request from 'supertest';
import { emulator, fixtureRaw, PAT } from './__testUtils__/helpers';

const basic = (user: string, pat: string) =>
  `Basic ${Buffer.from(`${user}:${pat}`).toString('base64')}`;

describe('auth', () => {
  const { app } = emulator();

  it('answers 401 with an empty body and a Basic challenge without credentials', async () => {
    const res = await request(app).get('/fabrikam/_apis/projects');
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    expect(res.headers['content-type']).toBeUndefined();
    expect(res.headers['www-authenticate']).toBe(
      'Basic realm="http://ado.test/"',
    );
    const model = fixtureRaw('error-401.capture.json').response;
    expect(model.body).toBe('');
    expect(model.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });

  it('rejects a bad PAT and an unknown scheme', async () => {
    for (const auth of [basic('', 'wrong'), 'Negotiate abc', 'Bearer nope']) {
      const res = await request(app)
        .get('/fabrikam/_apis/projects')
        .set('Authorization', auth);
      expect(res.status).toBe(401);
      expect(res.text).toBe('');
    }
  });

  it('accepts the PAT with any user name, and bearer tokens', async () => {
    for (const auth of [
      PAT,
      basic('someone', 'demo-pat'),
      'Bearer demo-token',
    ]) {
      const res = await request(app)
        .get('/fabrikam/_apis/projects')
        .set('Authorization', auth);
      expect(res.status).toBe(200);
    }
  });

  it('answers 401 for an org the PAT is not valid for, and without a credential', async () => {
    const carol = basic('', 'carol-pat');
    expect(
      (
        await request(app)
          .get('/fabrikam/_apis/projects')
          .set('Authorization', carol)
      ).status,
    ).toBe(200);
    const res = await request(app)
      .get('/contoso/_apis/projects')
      .set('Authorization', carol);
    expect(res.status).toBe(401);
    expect(res.text).toBe('');
    // Without a credential an unknown org is a 401 like any other.
    expect((await request(app).get('/nope/_apis/projects')).status).toBe(401);
  });

  it('answers 404 naming the known orgs for an org it does not have, to a valid credential', async () => {
    const res = await request(app)
      .get('/nope/_apis/connectionData')
      .set('Authorization', PAT);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({
      typeKey: 'VssServiceException',
      message: expect.stringContaining(
        'The organization nope does not exist in this Azure DevOps emulator',
      ),
    });
    expect(res.body.message).toContain('contoso, fabrikam');
  });

  it('protects the root host routes too', async () => {
    expect((await request(app).get('/_apis/connectionData')).status).toBe(401);
    expect(
      (
        await request(app)
          .get('/_apis/connectionData')
          .set('Authorization', PAT)
      ).status,
    ).toBe(200);
  });

  it('answers unknown routes with text/plain 404 like ADO', async () => {
    const res = await request(app)
      .get('/fabrikam/_apis/nothing/here')
      .set('Authorization', PAT);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/was not found or does not implement IController/);
  });
});
