import request from 'supertest';
import {
  emulator,
  expectSameShape,
  FABRIKAM_ACCOUNT_ID,
  fixtureBody,
  PAT,
} from '../__testUtils__/helpers';

const subscriptionBody = (
  url: string,
  publisherInputs: Record<string, string> = {},
) => ({
  publisherId: 'tfs',
  eventType: 'workitem.updated',
  resourceVersion: '1.0',
  consumerId: 'webHooks',
  consumerActionId: 'httpRequest',
  publisherInputs,
  consumerInputs: {
    url,
    httpHeaders: 'Shared-Secret:abc123',
    resourceDetailsToSend: 'all',
    basicAuthPassword: 'pw',
  },
});

describe('service hook subscriptions', () => {
  const { app } = emulator();
  const api = '/fabrikam/_apis/hooks/subscriptions';

  it('creates, lists, gets, replaces and deletes with secrets masked', async () => {
    const created = await request(app)
      .post(`${api}?api-version=7.1`)
      .set('Authorization', PAT)
      .send(
        subscriptionBody('https://backstage.example.com/hook', {
          projectId: 'Fabrikam-Fiber',
          changedFields: 'System.State',
        }),
      );
    expect(created.status).toBe(200);
    const model = fixtureBody('hooks-subscription-create.json');
    expectSameShape(created.body, model);
    const sub = created.body;
    expect(sub.status).toBe('enabled');
    expect(sub.probationRetries).toBe(0);
    expect(sub.createdBy.uniqueName).toBe('backstage-sync@example.com');
    expect(sub.publisherInputs).toMatchObject({
      hostId: FABRIKAM_ACCOUNT_ID,
      changedFields: 'System.State',
      projectId: '0f2b6a1e-3c4d-4e5f-8a9b-1c2d3e4f5a60',
    });
    expect(typeof sub.publisherInputs.tfsSubscriptionId).toBe('string');
    expect(sub.consumerInputs).toEqual({
      url: 'https://backstage.example.com/hook',
      httpHeaders: '********',
      basicAuthPassword: '********',
      resourceDetailsToSend: 'all',
    });

    const list = await request(app).get(api).set('Authorization', PAT);
    expect(list.body.count).toBe(1);
    expectSameShape(
      list.body.value[0],
      fixtureBody('hooks-subscriptions-list.json').value[3],
      ['lastProbationRetryDate'],
    );
    expect(list.body.value[0].consumerInputs.httpHeaders).toBe('********');

    const one = await request(app)
      .get(`${api}/${sub.id}`)
      .set('Authorization', PAT);
    expect(one.body.id).toBe(sub.id);

    const replaced = await request(app)
      .put(`${api}/${sub.id}`)
      .set('Authorization', PAT)
      .send(subscriptionBody('https://backstage.example.com/hook2'));
    expect(replaced.body.consumerInputs.url).toBe(
      'https://backstage.example.com/hook2',
    );

    const del = await request(app)
      .delete(`${api}/${sub.id}`)
      .set('Authorization', PAT);
    expect(del.status).toBe(204);
    const gone = await request(app)
      .get(`${api}/${sub.id}`)
      .set('Authorization', PAT);
    expect(gone.status).toBe(404);
    expect(gone.body.typeKey).toBe('SubscriptionNotFoundException');
  });

  it('validates publisher, consumer, event type and url', async () => {
    const bad = [
      { ...subscriptionBody('https://x.example.com'), publisherId: 'git' },
      { ...subscriptionBody('https://x.example.com'), consumerId: 'slack' },
      {
        ...subscriptionBody('https://x.example.com'),
        eventType: 'build.complete',
      },
      subscriptionBody('not a url'),
      subscriptionBody('https://x.example.com', { projectId: 'Nope' }),
    ];
    for (const body of bad) {
      const res = await request(app)
        .post(api)
        .set('Authorization', PAT)
        .send(body);
      expect(res.status).toBe(400);
      expect(typeof res.body.message).toBe('string');
    }
  });

  it('lets tests force a status', async () => {
    const created = await request(app)
      .post(api)
      .set('Authorization', PAT)
      .send(subscriptionBody('https://x.example.com'));
    const forced = await request(app)
      .post(`/_admin/subscriptions/${created.body.id}/status`)
      .send({ status: 'disabledBySystem' });
    expect(forced.body.status).toBe('disabledBySystem');
    const read = await request(app)
      .get(`${api}/${created.body.id}`)
      .set('Authorization', PAT);
    expect(read.body.status).toBe('disabledBySystem');
  });
});
