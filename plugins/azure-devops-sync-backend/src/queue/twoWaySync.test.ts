import {
  createEmulator,
  Emulator,
  RunningEmulator,
} from '@internal/ado-emulator';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  fixture,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import { startPlugin } from '../__testUtils__/startPlugin';
import {
  createSyncHarness,
  eventually,
  user,
} from '../__testUtils__/syncHarness';

jest.setTimeout(90_000);

// msw wraps fetch so requests to the emulator on 127.0.0.1 pass jest's network guard.
const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
describe.each(databases.eachSupportedId())(
  'two-way sync with the emulator (%s)',
  databaseId => {
    let emulator: Emulator;
    let running: RunningEmulator;

    beforeEach(async () => {
      emulator = createEmulator({ deliveryRetryDelaysMs: [50, 100, 200] });
      running = await emulator.listen(0, '127.0.0.1');
    });
    afterEach(async () => {
      await running.close();
    });

    const setup = () =>
      databases
        .init(databaseId)
        .then(knex => createSyncHarness(emulator, running, knex));

    it('applies an ADO close and reassignment to the linked issue, recording ADO as the source', async () => {
      const t = await setup();
      await t.editInAdo({
        'System.State': 'Done',
        'System.AssignedTo': 'bob@example.com',
      });
      const issue = await eventually('the inbound change', async () => {
        const i = await t.issue();
        return i.status === 'resolved' && i.assignee ? i : undefined;
      });
      // Bob's catalog e-mail is Bob@Example.com: matched case-insensitively.
      expect(issue.assignee).toBe('user:default/bob');
      expect(issue.links[0]).toMatchObject({
        workItemId: t.workItemId,
        state: 'Done',
      });
      const fromAdo = (await t.activity()).filter(
        a => a.source.kind === 'azure-devops',
      );
      expect(fromAdo.map(a => a.type).sort()).toEqual([
        'assigned',
        'set_resolved',
      ]);
      expect(fromAdo[0].source).toMatchObject({
        organizationId: t.organizationId,
        workItemId: t.workItemId,
        revision: t.workItem().rev,
        // Carol made it: named as ADO names her (no catalog user has her e-mail).
        actor: { displayName: 'Carol White' },
      });
      expect(fromAdo[0].source).not.toHaveProperty('actor.userEntityRef');

      // An ADO edit by a catalog user names that user.
      await t.editInAdo({ 'System.State': 'Committed' }, 'bob@example.com');
      const byAlice = await eventually('the reopening', async () =>
        (
          await t.activity()
        ).find(
          a => a.type === 'set_unresolved' && a.source.kind === 'azure-devops',
        ),
      );
      expect(byAlice.source).toMatchObject({
        actor: { userEntityRef: 'user:default/bob' },
      });

      // Unassigned in ADO → unassigned here.
      await t.editInAdo({ 'System.AssignedTo': null });
      await eventually(
        'the unassignment',
        async () => (await t.issue()).assignee === null,
      );
    });

    it('does not reopen a resolved issue on a move between two not-done states', async () => {
      const t = await setup();
      await t.editInAdo({ 'System.State': 'Done' });
      await eventually(
        'resolve',
        async () => (await t.issue()).status === 'resolved',
      );
      await t.editInAdo({ 'System.State': 'Removed' });
      await eventually(
        'unresolve',
        async () => (await t.issue()).status === 'unresolved',
      );
      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ status: 'resolved' })
        .expect(200);
      // Removed → Approved: neither is done; the reference would have unresolved here.
      await t.editInAdo({ 'System.State': 'Approved' });
      await eventually('the delivery to be processed', async () =>
        (
          await t.deliveries()
        ).some(d => d.revision === t.workItem().rev && d.status !== 'pending'),
      );
      expect((await t.issue()).status).toBe('resolved');
    });

    it('writes status to ADO by the project mapping and skips the echo of its own write', async () => {
      const t = await setup();
      const catalog = await t.api
        .get(`/api/azure-devops-sync/organizations/${t.organizationId}/config`)
        .set('Authorization', user);
      const payments = catalog.body.fields[0].addDropdown.items.find(
        (p: any) => p.label === 'Payments',
      );
      await t.api
        .put(`/api/azure-devops-sync/organizations/${t.organizationId}/config`)
        .set('Authorization', user)
        .send({
          sync_status_forward: {
            [payments.value]: { on_resolve: 'Done', on_unresolve: 'Committed' },
          },
        })
        .expect(200);

      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ status: 'resolved' })
        .expect(200);
      await eventually(
        'the outbound write',
        async () => t.workItem().fields['System.State'] === 'Done',
      );
      await emulator.whenDeliveriesIdle();
      const echo = await eventually('the echo', async () =>
        (
          await t.deliveries()
        ).find(d => d.revision === t.workItem().rev && d.status === 'skipped'),
      );
      expect(echo.outcome).toMatch(/Echo of our own change/);
      // The same identity's next, real change is applied.
      await t.editInAdo(
        { 'System.State': 'Committed' },
        'backstage-sync@example.com',
      );
      await eventually(
        'the real change',
        async () => (await t.issue()).status === 'unresolved',
      );
      // Inbound changes are not sent back: the work item stays where ADO put it.
      expect(t.workItem().fields['System.State']).toBe('Committed');
    });

    it('sends assignee and comments to ADO', async () => {
      const t = await setup();
      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ assignee: 'user:default/alice' })
        .expect(200);
      await eventually('the assignment in ADO', async () =>
        String(t.workItem().fields['System.AssignedTo'] ?? '').includes(
          'alice@example.com',
        ),
      );
      await t.api
        .post(`/api/azure-devops-sync/issues/${t.issueId}/comments`)
        .set('Authorization', user)
        .send({ text: 'Fixed in <v2>' })
        .expect(201);
      await eventually('the comment in ADO', async () =>
        String(t.workItem().fields['System.History'] ?? '').includes(
          '<blockquote>Fixed in &lt;v2&gt;</blockquote>',
        ),
      );
      // Signed by a person's name: the mock user has no User entity, so its name, not its ref.
      expect(String(t.workItem().fields['System.History'])).toMatch(
        /^mock wrote:/,
      );
      const unknown = await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ assignee: 'user:default/nobody' });
      expect(unknown.status).toBe(400);
    });

    it('acknowledges duplicates once and ignores revisions older than the last applied one', async () => {
      const t = await setup();
      const sub = [
        ...emulator.state.org('fabrikam')!.subscriptions.values(),
      ][0];
      const secret = String(sub.consumerInputs.httpHeaders).replace(
        /^Shared-Secret:/,
        '',
      );
      const orgs = await t.api
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', user);
      const config = await t.api
        .get(`/api/azure-devops-sync/organizations/${t.organizationId}/config`)
        .set('Authorization', user);
      const paymentsId = config.body.fields[0].addDropdown.items.find(
        (p: any) => p.label === 'Payments',
      ).value;
      const base = t.workItem().rev;
      // The real capture's shape, re-addressed to this organization and work item.
      const delivery = (rev: number, from: string, to: string) => {
        const d = fixture('hook-workitem-updated.json');
        d.resourceContainers.collection.id = orgs.body.items[0].externalId;
        d.resourceContainers.project.id = paymentsId;
        d.resource.workItemId = t.workItemId;
        d.resource.rev = rev;
        d.resource.fields = {
          'System.State': { oldValue: from, newValue: to },
        };
        return d;
      };
      const post = (body: unknown) =>
        t.api
          .post('/api/azure-devops-sync/webhooks/workitem')
          .set('Shared-Secret', secret)
          .send(body as object);

      // Delivered out of order: the later revision first.
      expect(
        (await post(delivery(base + 2, 'Committed', 'Done'))).body.status,
      ).toBe('accepted');
      await eventually(
        'resolve',
        async () => (await t.issue()).status === 'resolved',
      );
      expect(
        (await post(delivery(base + 1, 'Approved', 'Committed'))).body.status,
      ).toBe('accepted');
      expect(
        (await post(delivery(base + 2, 'Committed', 'Done'))).body.status,
      ).toBe('duplicate');
      await eventually('the late delivery to be processed', async () =>
        (await t.deliveries()).every(d => d.status !== 'pending'),
      );
      expect((await t.issue()).status).toBe('resolved');
      const resolutions = (await t.activity()).filter(
        a => a.type === 'set_resolved',
      );
      expect(resolutions).toHaveLength(1);
      const late = (await t.deliveries()).find(d => d.revision === base + 1)!;
      expect(late.outcome).toMatch(/older than the last applied/);
    });

    it('creates a work item from the create form and remembers its choices', async () => {
      const t = await setup();
      const entityRef = 'component:default/payments-api';
      const form = await t.api
        .get(
          `/api/azure-devops-sync/organizations/${t.organizationId}/create-config`,
        )
        .query({ entityRef })
        .set('Authorization', user);
      expect(form.status).toBe(200);
      const payments = form.body.projects.find(
        (p: any) => p.label === 'Payments',
      );
      // The entity's dev.azure.com/project annotation picks the default project.
      expect(form.body.defaults).toEqual({
        project: payments.value,
        workItemType: 'Bug',
      });
      const types = form.body.workItemTypes[payments.value].map(
        (c: any) => c.value,
      );
      expect(types).toEqual(
        expect.arrayContaining(['Bug', 'Product Backlog Item', 'Task']),
      );
      expect(types).not.toContain('Code Review Request');

      const link = (create: object) =>
        t.api
          .post(`/api/azure-devops-sync/issues/${t.issueId}/links`)
          .set('Authorization', user)
          .send({ organizationId: t.organizationId, create });
      const missing = await link({ project: '', workItemType: 'Bug' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.message).toContain('Project is required.');
      expect(
        (await link({ project: 'Nope', workItemType: 'Bug' })).status,
      ).toBe(400);

      const created = await link({ project: 'Payments', workItemType: 'Task' });
      expect(created.status).toBe(201);
      const added = created.body.links.find(
        (l: any) => l.workItemId !== t.workItemId,
      );
      expect(added.url).toBe(
        `${running.url}/fabrikam/_workitems/edit/${added.workItemId}`,
      );
      const item = emulator.state
        .org('fabrikam')!
        .workItems.get(added.workItemId)!;
      expect(item.fields['System.Title']).toBe(
        'TypeError: amount is undefined',
      );
      expect(item.fields['System.WorkItemType']).toBe('Task');
      const description = String(item.fields['System.Description']);
      expect(description).toMatch(/^<p>/);
      expect(description).toContain(
        'href="http://localhost:3000/catalog/default/component/payments-api"',
      );

      const again = await t.api
        .get(
          `/api/azure-devops-sync/organizations/${t.organizationId}/create-config`,
        )
        .query({ entityRef })
        .set('Authorization', user);
      expect(again.body.defaults).toEqual({
        project: payments.value,
        workItemType: 'Task',
      });
    });

    it('skips status sync, visibly, when the project has no mapping', async () => {
      const t = await setup();
      const before = t.workItem().fields['System.State'];
      await t.api
        .patch(`/api/azure-devops-sync/issues/${t.issueId}`)
        .set('Authorization', user)
        .send({ status: 'resolved' })
        .expect(200);
      const skipped = await eventually('the skipped job', async () => {
        const jobs = await t.api
          .get(
            `/api/azure-devops-sync/organizations/${t.organizationId}/jobs?status=skipped`,
          )
          .set('Authorization', user);
        return jobs.body.items.find((j: any) => j.payload.kind === 'status');
      });
      expect(skipped.outcome).toMatch(/no project mapping/);
      expect(t.workItem().fields['System.State']).toBe(before);
    });

    it('runs a job queued before a restart, exactly once', async () => {
      const t = await setup();
      // Queued, and then the backend died before running it.
      await t.knex('outbox_jobs').insert({
        id: 'job-before-crash',
        seq: 1,
        organization_id: t.organizationId,
        work_item_id: t.workItemId,
        issue_id: t.issueId,
        kind: 'comment',
        payload: JSON.stringify({
          kind: 'comment',
          text: 'survives restarts',
          authorName: 'Alice',
        }),
        status: 'pending',
        attempts: 0,
        next_attempt_at: new Date(),
      });
      // The restarted backend's start-up sweep runs it.
      const restarted = request(
        await startPlugin({
          knex: t.knex,
          integrations: t.integrations,
          runScheduledTasksOnStart: true,
        }),
      );
      const job = await eventually('the job to run', async () => {
        const jobs = await restarted
          .get(
            `/api/azure-devops-sync/organizations/${t.organizationId}/jobs?status=done`,
          )
          .set('Authorization', user);
        return jobs.body.items.find((j: any) => j.id === 'job-before-crash');
      });
      expect(job.attempts).toBe(1);
      const comments = t
        .workItem()
        .comments.filter((c: any) =>
          String(c.text).includes('survives restarts'),
        );
      expect(comments).toHaveLength(1);
    });

    it('searches work items to link, optionally in one project', async () => {
      const t = await setup();
      const search = (query: Record<string, string>) =>
        t.api
          .get(
            `/api/azure-devops-sync/organizations/${t.organizationId}/work-items/search`,
          )
          .query(query)
          .set('Authorization', user);
      const title = String(t.workItem().fields['System.Title']);
      const byTitle = await search({
        q: title.slice(0, 8),
        project: 'Payments',
      });
      expect(byTitle.status).toBe(200);
      expect(byTitle.body.items.map((i: any) => i.id)).toContain(t.workItemId);
      const org = emulator.state.org('fabrikam')!;
      for (const item of byTitle.body.items) {
        expect(org.workItems.get(item.id)!.fields['System.TeamProject']).toBe(
          'Payments',
        );
        expect(item.url).toBe(
          `${running.url}/fabrikam/_workitems/edit/${item.id}`,
        );
      }
      const byId = await search({ q: `#${t.workItemId}` });
      expect(byId.body.items[0]).toMatchObject({ id: t.workItemId, title });
      expect((await search({ q: '' })).status).toBe(400);
      expect((await search({ q: 'x', project: 'Nope' })).status).toBe(400);
    });
  },
);
