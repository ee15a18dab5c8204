import request from 'supertest';
import {
  emulator,
  eventually,
  FABRIKAM_ACCOUNT_ID,
  fixtureBody,
  keys,
  PAT,
  startSubscriber,
} from '../__testUtils__/helpers';

type Subscriber = Awaited<ReturnType<typeof startSubscriber>>;

const FABRIKAM_FIBER = '0f2b6a1e-3c4d-4e5f-8a9b-1c2d3e4f5a60';

describe('service hook deliveries', () => {
  let subscriber: Subscriber;
  let emu: ReturnType<typeof emulator>;

  beforeEach(async () => {
    subscriber = await startSubscriber();
    emu = emulator({ deliveryRetryDelaysMs: [20, 40, 60] });
  });
  afterEach(async () => {
    await emu.whenDeliveriesIdle();
    await subscriber.close();
  });

  const subscribe = async (
    eventType: string,
    publisherInputs: Record<string, string> = {},
    consumerInputs: Record<string, string> = {},
  ) => {
    const res = await request(emu.app)
      .post('/fabrikam/_apis/hooks/subscriptions?api-version=7.1')
      .set('Authorization', PAT)
      .send({
        publisherId: 'tfs',
        eventType,
        resourceVersion: '1.0',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        publisherInputs,
        consumerInputs: {
          url: subscriber.url,
          httpHeaders: 'Shared-Secret:s3cr3t\nX-Extra: yes',
          resourceDetailsToSend: 'all',
          ...consumerInputs,
        },
      });
    expect(res.status).toBe(200);
    return res.body.id as string;
  };
  const patch = (id: number, ops: unknown[]) =>
    request(emu.app)
      .patch(`/fabrikam/_apis/wit/workitems/${id}`)
      .set('Authorization', PAT)
      .set('Content-Type', 'application/json-patch+json')
      .send(JSON.stringify(ops));
  const adminEdit = (
    id: number,
    fields: Record<string, unknown>,
    as?: string,
  ) =>
    request(emu.app)
      .post(`/_admin/fabrikam/workitems/${id}`)
      .send({ fields, as });
  const subStatus = async (id: string) =>
    (
      await request(emu.app)
        .get(`/fabrikam/_apis/hooks/subscriptions/${id}`)
        .set('Authorization', PAT)
    ).body;

  it('POSTs a workitem.updated shaped like the real capture, with the shared secret', async () => {
    const subId = await subscribe('workitem.updated', {
      projectId: FABRIKAM_FIBER,
    });
    const res = await adminEdit(1, {
      'System.State': 'Resolved',
      'System.AssignedTo': 'bob@example.com',
    });
    expect(res.status).toBe(200);
    await eventually(() => expect(subscriber.received).toHaveLength(1));
    const { headers, body } = subscriber.received[0];
    expect(headers['shared-secret']).toBe('s3cr3t');
    expect(headers['x-extra']).toBe('yes');
    expect(headers['content-type']).toBe('application/json; charset=utf-8');

    const model = fixtureBody('hook-workitem-updated.json');
    expect(keys(body)).toEqual(keys(model));
    expect(keys(body.resource)).toEqual(keys(model.resource));
    expect(keys(body.resource.revisedBy)).toEqual(
      keys(model.resource.revisedBy),
    );
    expect(keys(body.resource.revision)).toEqual(keys(model.resource.revision));
    expect(keys(body.resource._links)).toEqual(keys(model.resource._links));
    expect(keys(body.message)).toEqual(['html', 'markdown', 'text']);
    expect(body).toMatchObject({
      subscriptionId: subId,
      notificationId: 1,
      eventType: 'workitem.updated',
      publisherId: 'tfs',
      resourceVersion: '1.0',
    });
    expect(body.resourceContainers.collection.id).toBe(FABRIKAM_ACCOUNT_ID);
    expect(body.resourceContainers.account.id).toBe(FABRIKAM_ACCOUNT_ID);
    expect(body.resourceContainers.project.id).toBe(FABRIKAM_FIBER);

    const r = body.resource;
    expect(r.workItemId).toBe(1);
    expect(r.revision.id).toBe(1);
    expect(r.id).toBe(r.rev);
    expect(r.revisedDate).toBe('9999-01-01T00:00:00Z');
    expect(r.revisedBy).toMatchObject({
      name: 'Alice Smith <alice@example.com>',
      uniqueName: 'alice@example.com',
    });
    // Only changed fields, identities as "Name <email>", unchanged ChangedBy absent (Alice made rev 2 too).
    expect(keys(r.fields)).toEqual(
      [
        'Microsoft.VSTS.Common.ResolvedBy',
        'Microsoft.VSTS.Common.ResolvedDate',
        'Microsoft.VSTS.Common.StateChangeDate',
        'System.AssignedTo',
        'System.AuthorizedDate',
        'System.ChangedDate',
        'System.Reason',
        'System.Rev',
        'System.RevisedDate',
        'System.State',
        'System.Watermark',
      ].sort(),
    );
    expect(r.fields['System.State']).toEqual({
      newValue: 'Resolved',
      oldValue: 'Active',
    });
    expect(r.fields['System.AssignedTo']).toEqual({
      newValue: 'Bob Jones <bob@example.com>',
      oldValue: 'Alice Smith <alice@example.com>',
    });
    expect(r.fields['System.Rev']).toEqual({
      newValue: r.rev,
      oldValue: r.rev - 1,
    });
    expect(typeof r.fields['System.Watermark'].newValue).toBe('number');
    expect(r.revision.fields['System.AssignedTo']).toBe(
      'Bob Jones <bob@example.com>',
    );
    expect(r.revision.fields['System.CreatedBy']).toBe(
      'Bob Jones <bob@example.com>',
    );
    expect(r.revision.fields['System.State']).toBe('Resolved');

    await emu.whenDeliveriesIdle();
    const log = await request(emu.app).get(
      `/_admin/deliveries?subscriptionId=${subId}`,
    );
    expect(log.body.value[0]).toMatchObject({
      subscriptionId: subId,
      eventType: 'workitem.updated',
      workItemId: 1,
      rev: r.rev,
      statusCode: 200,
      attempts: 1,
      status: 'succeeded',
      url: subscriber.url,
    });
  });

  it('answers the PATCH before delivering, and sends unassignment as oldValue only', async () => {
    await subscribe('workitem.updated');
    const res = await patch(1, [
      { op: 'remove', path: '/fields/System.AssignedTo' },
    ]);
    expect(res.status).toBe(200);
    expect(subscriber.received).toHaveLength(0);
    await eventually(() => expect(subscriber.received).toHaveLength(1));
    const fields = subscriber.received[0].body.resource.fields;
    expect(fields['System.AssignedTo']).toEqual({
      oldValue: 'Alice Smith <alice@example.com>',
    });
    expect(fields['System.ChangedBy']).toEqual({
      newValue: 'Backstage Sync <backstage-sync@example.com>',
      oldValue: 'Alice Smith <alice@example.com>',
    });
    expect(subscriber.received[0].body.resource.revisedBy.name).toBe(
      'Backstage Sync <backstage-sync@example.com>',
    );
  });

  it('applies changedFields, workItemType, areaPath and project filters', async () => {
    const onState = await subscribe('workitem.updated', {
      changedFields: 'System.State,System.AssignedTo',
    });
    const onTask = await subscribe('workitem.updated', {
      workItemType: 'Task',
    });
    const onArea = await subscribe('workitem.updated', {
      areaPath: 'Fabrikam-Fiber\\Web',
    });
    const onPayments = await subscribe('workitem.updated', {
      projectId: '1a3c7b2f-4d5e-4f60-9b0c-2d3e4f5a6b71',
    });
    // Item 1 is a Bug in Fabrikam-Fiber\Web: a title change matches only the area path filter.
    await adminEdit(1, { 'System.Title': 'Renamed' });
    // A state change also matches changedFields.
    await adminEdit(1, { 'System.State': 'Resolved' });
    await emu.whenDeliveriesIdle();
    const count = (sub: string) =>
      subscriber.received.filter(r => r.body.subscriptionId === sub).length;
    expect([
      count(onState),
      count(onTask),
      count(onArea),
      count(onPayments),
    ]).toEqual([1, 0, 2, 0]);
    const stateDelivery = subscriber.received.find(
      r => r.body.subscriptionId === onState,
    )!;
    expect(stateDelivery.body.resource.fields['System.State'].newValue).toBe(
      'Resolved',
    );
  });

  it('sends created, commented and deleted events', async () => {
    await subscribe('workitem.created');
    await subscribe('workitem.commented');
    await subscribe('workitem.deleted');
    const created = await request(emu.app)
      .post('/_admin/fabrikam/workitems')
      .send({
        project: 'Mobile',
        type: 'Bug',
        fields: { 'System.Title': 'From admin' },
        as: 'carol@example.com',
      });
    const id = created.body.id;
    await patch(id, [
      { op: 'add', path: '/fields/System.History', value: 'Looking into it' },
    ]);
    await request(emu.app).delete(`/_admin/fabrikam/workitems/${id}`);
    await emu.whenDeliveriesIdle();
    const byType = (t: string) =>
      subscriber.received.find(r => r.body.eventType === t)!.body;

    const c = byType('workitem.created');
    const cModel = fixtureBody('hook-workitem-created.json');
    expect(
      keys(c).filter(k => k !== 'subscriptionId' && k !== 'notificationId'),
    ).toEqual(keys(cModel).filter(k => k !== 'scope'));
    expect(keys(c.resource)).toEqual(keys(cModel.resource));
    expect(c.resource.id).toBe(id);
    expect(c.resource.fields['System.CreatedBy']).toBe(
      'Carol White <carol@example.com>',
    );
    expect(c.resource.fields['System.Title']).toBe('From admin');

    const m = byType('workitem.commented');
    expect(keys(m.resource)).toEqual(
      keys(fixtureBody('hook-workitem-commented.json').resource),
    );
    expect(m.resource.fields['System.History']).toBe('Looking into it');
    expect(m.detailedMessage.text).toContain('Looking into it');

    const d = byType('workitem.deleted');
    expect(keys(d.resource)).toEqual(
      keys(fixtureBody('hook-workitem-deleted.json').resource),
    );
    expect(d.resource.url).toContain(`/_apis/wit/recyclebin/${id}`);
  });

  it('sends workitem.restored after a recycle-bin restore, and commented at the revision of its update', async () => {
    await subscribe('workitem.updated');
    await subscribe('workitem.commented');
    await subscribe('workitem.deleted');
    await subscribe('workitem.restored');
    const created = await request(emu.app)
      .post('/_admin/fabrikam/workitems')
      .send({
        project: 'Mobile',
        type: 'Bug',
        fields: { 'System.Title': 'x' },
      });
    const id = created.body.id;
    await patch(id, [
      { op: 'add', path: '/fields/System.History', value: 'Looking into it' },
    ]);
    await request(emu.app).delete(`/_admin/fabrikam/workitems/${id}`);
    const projectId = created.body.projectId;
    // ADO's Recycle Bin - Restore Work Item.
    const wrong = await request(emu.app)
      .patch(`/fabrikam/${projectId}/_apis/wit/recyclebin/${id}`)
      .set('Authorization', PAT)
      .send({ IsDeleted: true });
    expect(wrong.status).toBe(400);
    const restored = await request(emu.app)
      .patch(`/fabrikam/${projectId}/_apis/wit/recyclebin/${id}`)
      .set('Authorization', PAT)
      .send({ IsDeleted: false });
    expect(restored.status).toBe(200);
    expect(
      (
        await request(emu.app)
          .get(`/fabrikam/_apis/wit/workitems/${id}`)
          .set('Authorization', PAT)
      ).status,
    ).toBe(200);
    await emu.whenDeliveriesIdle();
    const byType = (t: string) =>
      subscriber.received.filter(r => r.body.eventType === t).map(r => r.body);

    const [comment] = byType('workitem.commented');
    const commentUpdate = byType('workitem.updated').find(
      u => u.resource.fields['System.History'],
    )!;
    expect(comment.resource.rev).toBe(commentUpdate.resource.rev);
    const [deleted] = byType('workitem.deleted');
    const [r] = byType('workitem.restored');
    const model = fixtureBody('hook-workitem-restored.json');
    expect(
      keys(r).filter(k => k !== 'subscriptionId' && k !== 'notificationId'),
    ).toEqual(keys(model).filter(k => k !== 'scope'));
    expect(keys(r.resource)).toEqual(keys(model.resource));
    expect(r.resource.id).toBe(id);
    expect(r.resource.rev).toBe(deleted.resource.rev + 1);
    expect(r.resource.url).toContain(`/_apis/wit/workItems/${id}`);
    expect(r.message.text).toContain('restored by');

    // The admin shortcut restores as well (for the e2e test).
    await request(emu.app).delete(`/_admin/fabrikam/workitems/${id}`);
    const again = await request(emu.app).post(
      `/_admin/fabrikam/workitems/${id}/restore`,
    );
    expect(again.status).toBe(200);
    await emu.whenDeliveriesIdle();
    expect(byType('workitem.restored')).toHaveLength(2);
  });

  it('delivers in order per subscription', async () => {
    await subscribe('workitem.updated');
    subscriber.respondWith(503);
    for (let i = 0; i < 5; i++)
      await adminEdit(2, { 'System.Title': `title ${i}` });
    await emu.whenDeliveriesIdle();
    const revs = subscriber.received.map(r => r.body.resource.rev);
    expect(revs[0]).toBe(revs[1]); // the 503 was retried first
    expect(revs.slice(1)).toEqual([...revs.slice(1)].sort((a, b) => a - b));
    expect(new Set(revs).size).toBe(5);
  });

  it('retries transient failures with backoff and stays enabled', async () => {
    const subId = await subscribe('workitem.updated');
    subscriber.respondWith(503, 502);
    await adminEdit(3, { 'System.State': 'Closed' });
    await emu.whenDeliveriesIdle();
    expect(subscriber.received).toHaveLength(3);
    expect(
      subscriber.received[2].at - subscriber.received[0].at,
    ).toBeGreaterThanOrEqual(55);
    const log = (
      await request(emu.app).get(`/_admin/deliveries?subscriptionId=${subId}`)
    ).body.value;
    expect(log[0]).toMatchObject({
      attempts: 3,
      statusCode: 200,
      status: 'succeeded',
    });
    expect((await subStatus(subId)).status).toBe('enabled');
  });

  it('puts a subscription on probation on 500, and one success restores it', async () => {
    const slow = emulator({ deliveryRetryDelaysMs: [300] });
    const res = await request(slow.app)
      .post('/fabrikam/_apis/hooks/subscriptions')
      .set('Authorization', PAT)
      .send({
        publisherId: 'tfs',
        eventType: 'workitem.updated',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        publisherInputs: {},
        consumerInputs: { url: subscriber.url },
      });
    const read = async () =>
      (
        await request(slow.app)
          .get(`/fabrikam/_apis/hooks/subscriptions/${res.body.id}`)
          .set('Authorization', PAT)
      ).body;
    subscriber.respondWith(500);
    await request(slow.app)
      .post('/_admin/fabrikam/workitems/3')
      .send({ fields: { 'System.Title': 'probation' } });
    await eventually(() => expect(subscriber.received).toHaveLength(1));
    await eventually(async () =>
      expect((await read()).status).toBe('onProbation'),
    );
    const during = await read();
    expect(during.probationRetries).toBe(1);
    expect(typeof during.lastProbationRetryDate).toBe('string');
    await slow.whenDeliveriesIdle();
    expect(subscriber.received).toHaveLength(2);
    const after = await read();
    expect(after.status).toBe('enabled');
    expect(after.probationRetries).toBe(0);
  });

  it('disables the subscription after repeated failures and stops sending', async () => {
    const subId = await subscribe('workitem.updated');
    subscriber.setDefault(500);
    await adminEdit(3, { 'System.Title': 'fail 1' });
    await eventually(() => expect(subscriber.received.length).toBe(1));
    const during = await subStatus(subId);
    expect(during.status).toBe('onProbation');
    expect(during.probationRetries).toBeGreaterThanOrEqual(1);
    await emu.whenDeliveriesIdle();
    expect(subscriber.received).toHaveLength(4); // 1 + 3 retries
    expect((await subStatus(subId)).status).toBe('disabledBySystem');
    await adminEdit(3, { 'System.Title': 'fail 2' });
    await emu.whenDeliveriesIdle();
    expect(subscriber.received).toHaveLength(4);
  });

  it('disables at once on 410 Gone', async () => {
    const subId = await subscribe('workitem.updated');
    subscriber.respondWith(410);
    await adminEdit(3, { 'System.Title': 'gone' });
    await emu.whenDeliveriesIdle();
    expect(subscriber.received).toHaveLength(1);
    expect((await subStatus(subId)).status).toBe('disabledBySystem');
    const log = (
      await request(emu.app).get(`/_admin/deliveries?subscriptionId=${subId}`)
    ).body.value;
    expect(log[0]).toMatchObject({
      status: 'failed',
      statusCode: 410,
      attempts: 1,
    });
  });

  it('disables after consecutive failed transient deliveries', async () => {
    const quick = emulator({
      deliveryRetryDelaysMs: [],
      maxConsecutiveDeliveryFailures: 2,
    });
    const res = await request(quick.app)
      .post('/fabrikam/_apis/hooks/subscriptions')
      .set('Authorization', PAT)
      .send({
        publisherId: 'tfs',
        eventType: 'workitem.updated',
        consumerId: 'webHooks',
        consumerActionId: 'httpRequest',
        publisherInputs: {},
        consumerInputs: { url: subscriber.url },
      });
    subscriber.setDefault(503);
    await request(quick.app)
      .post('/_admin/fabrikam/workitems/3')
      .send({ fields: { 'System.Title': 'a' } });
    await quick.whenDeliveriesIdle();
    const one = (
      await request(quick.app)
        .get(`/fabrikam/_apis/hooks/subscriptions/${res.body.id}`)
        .set('Authorization', PAT)
    ).body;
    expect(one.status).toBe('enabled');
    await request(quick.app)
      .post('/_admin/fabrikam/workitems/3')
      .send({ fields: { 'System.Title': 'b' } });
    await quick.whenDeliveriesIdle();
    const two = (
      await request(quick.app)
        .get(`/fabrikam/_apis/hooks/subscriptions/${res.body.id}`)
        .set('Authorization', PAT)
    ).body;
    expect(two.status).toBe('disabledBySystem');
  });

  it('retries connection errors', async () => {
    const subId = await subscribe('workitem.updated');
    await subscriber.close();
    await adminEdit(3, { 'System.Title': 'nobody listening' });
    await emu.whenDeliveriesIdle();
    const log = (
      await request(emu.app).get(`/_admin/deliveries?subscriptionId=${subId}`)
    ).body.value;
    expect(log[0]).toMatchObject({ attempts: 4, status: 'failed' });
    expect(log[0].attemptLog[0].error).toBeDefined();
    subscriber = await startSubscriber();
  });
});
