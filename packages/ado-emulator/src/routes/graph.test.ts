import request from 'supertest';
import { demoSeed } from '../seed/demoSeed';
import {
  emulator,
  expectSameShape,
  FABRIKAM_ACCOUNT_ID,
  fixtureBody,
  keys,
  PAT,
} from '../__testUtils__/helpers';

describe('graph users', () => {
  it('lists users shaped like graph-users-list.json', async () => {
    const { app } = emulator();
    const res = await request(app)
      .get('/fabrikam/_apis/graph/users?api-version=7.1-preview.1')
      .set('Authorization', PAT);
    expect(res.status).toBe(200);
    expect(keys(res.body)).toEqual(['count', 'value']);
    const model = fixtureBody('graph-users-list.json').value[1];
    const alice = res.body.value.find(
      (u: any) => u.mailAddress === 'alice@example.com',
    );
    expect(keys(alice)).toEqual(keys(model));
    expect(keys(alice._links)).toEqual(keys(model._links));
    expect(alice).toMatchObject({
      subjectKind: 'user',
      displayName: 'Alice Smith',
      principalName: 'alice@example.com',
      origin: 'aad',
    });
    expect(alice.descriptor).toMatch(/^aad\./);
    expect(res.headers['x-ms-continuationtoken']).toBeUndefined();
    const contoso = await request(app)
      .get('/contoso/_apis/graph/users')
      .set('Authorization', PAT);
    expect(contoso.body.value.map((u: any) => u.mailAddress)).not.toContain(
      'carol@example.com',
    );
  });

  it('pages with X-MS-ContinuationToken and continuationToken', async () => {
    const { app } = emulator({ seed: { ...demoSeed, graphPageSize: 2 } });
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const res = await request(app)
        .get(
          `/fabrikam/_apis/graph/users${
            token ? `?continuationToken=${encodeURIComponent(token)}` : ''
          }`,
        )
        .set('Authorization', PAT);
      expect(res.body.count).toBeLessThanOrEqual(2);
      seen.push(...res.body.value.map((u: any) => u.mailAddress));
      token = res.headers['x-ms-continuationtoken'];
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([
      'alice@example.com',
      'backstage-sync@example.com',
      'bob@example.com',
      'carol@example.com',
      'dan@example.com',
      'erin.lee_contoso.com#EXT#@fabrikam.onmicrosoft.com',
    ]);
  });
});

describe('accounts host', () => {
  const { app } = emulator();
  const get = (path: string) =>
    request(app).get(path).set('Authorization', PAT);

  it('finds the org URL from the account id (case-insensitive area id)', async () => {
    const res = await get(
      `/_apis/resourceareas/79134C72-4A58-4B42-976C-04E7115F32BF?hostId=${FABRIKAM_ACCOUNT_ID}&api-preview=5.0-preview.1`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: '79134c72-4a58-4b42-976c-04e7115f32bf',
      name: 'Core',
      locationUrl: 'http://ado.test/fabrikam/',
    });
    const lower = await get(
      `/_apis/resourceAreas/79134c72-4a58-4b42-976c-04e7115f32bf?hostId=${FABRIKAM_ACCOUNT_ID.toUpperCase()}`,
    );
    expect(lower.body.locationUrl).toBe('http://ado.test/fabrikam/');
    const unknown = await get(
      '/_apis/resourceareas/79134C72-4A58-4B42-976C-04E7115F32BF?hostId=00000000-0000-0000-0000-000000000000',
    );
    expect(unknown.status).toBe(404);
    expect(unknown.body.typeKey).toBe('ResourceAreaNotFoundException');
  });

  it('serves connectionData like the capture, at root and per org', async () => {
    const model = fixtureBody('connection-data.capture.json');
    const root = await get('/_apis/connectionData');
    expect(keys(root.body)).toEqual(keys(model));
    expect(keys(root.body.authenticatedUser)).toEqual(
      keys(model.authenticatedUser),
    );
    expect(root.body.authenticatedUser.properties.Account.$value).toBe(
      'backstage-sync@example.com',
    );
    expect(root.body.authenticatedUser.subjectDescriptor).toMatch(/^aad\./);
    const org = await get('/fabrikam/_apis/connectionData');
    expect(org.body.instanceId).toBe(FABRIKAM_ACCOUNT_ID);
    expect(org.body.deploymentType).toBe('hosted');
    expectSameShape(org.body.locationServiceData, model.locationServiceData);
  });

  it('serves the caller profile and accounts', async () => {
    const me = await get('/_apis/profile/profiles/me?api-version=1.0');
    expect(me.body).toMatchObject({
      displayName: 'Backstage Sync',
      emailAddress: 'backstage-sync@example.com',
    });
    expect(keys(me.body)).toEqual(
      expect.arrayContaining([
        'id',
        'displayName',
        'publicAlias',
        'emailAddress',
        'coreRevision',
        'timeStamp',
      ]),
    );
    const accounts = await get(`/_apis/accounts?memberId=${me.body.id}`);
    expect(accounts.body.value.map((a: any) => a.accountName)).toEqual([
      'fabrikam',
      'contoso',
    ]);
    expect(accounts.body.value[0]).toMatchObject({
      accountId: FABRIKAM_ACCOUNT_ID,
      accountUri: 'http://ado.test/fabrikam/',
    });
  });
});
