import {
  createEmulator,
  Emulator,
  RunningEmulator,
} from '@internal/ado-emulator';
import type { TestDatabaseId } from '@backstage/backend-test-utils';
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

/**
 * Two backend replicas on one PostgreSQL (row claims with FOR UPDATE SKIP LOCKED): deliveries
 * and outbound jobs spread over both are each run exactly once. SQLite runs one process, so this
 * suite is PostgreSQL only.
 */
jest.setTimeout(120_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
const DELIVERIES = Number(process.env.RELIABILITY_REPLICA_DELIVERIES ?? 40);
const COMMENTS = Number(process.env.RELIABILITY_REPLICA_COMMENTS ?? 10);

// SQLite runs one process; without PostgreSQL the suite has nothing to run against.
describe.each(postgres.length > 0 ? postgres : [['none']])(
  'two replicas on one database (%s)',
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

    it('applies every delivery and runs every job exactly once', async () => {
      const knex = await databases.init(databaseId as TestDatabaseId);
      const a = await createSyncHarness(emulator, running, knex);
      const b = request(
        await startPlugin({ knex, integrations: a.integrations }),
      );
      const replicas = [a.api, b];
      const sub = [
        ...emulator.state.org('fabrikam')!.subscriptions.values(),
      ][0];
      const secret = String(sub.consumerInputs.httpHeaders).replace(
        /^Shared-Secret:/,
        '',
      );
      const orgs = await a.api
        .get('/api/azure-devops-sync/organizations')
        .set('Authorization', user);
      const config = await a.api
        .get(`/api/azure-devops-sync/organizations/${a.organizationId}/config`)
        .set('Authorization', user);
      const paymentsId = config.body.fields[0].addDropdown.items.find(
        (p: any) => p.label === 'Payments',
      ).value;

      // Revisions alternate Done / Committed, posted concurrently to both replicas.
      const base = a.workItem().rev;
      const stateAt = (rev: number) =>
        (rev - base) % 2 === 1 ? 'Done' : 'Committed';
      const posts = Array.from({ length: DELIVERIES }, (_, i) => {
        const rev = base + 1 + i;
        const delivery = fixture('hook-workitem-updated.json');
        delivery.resourceContainers.collection.id =
          orgs.body.items[0].externalId;
        delivery.resourceContainers.project.id = paymentsId;
        delivery.resource.workItemId = a.workItemId;
        delivery.resource.rev = rev;
        delivery.resource.fields = {
          'System.State': {
            oldValue: stateAt(rev - 1),
            newValue: stateAt(rev),
          },
        };
        delivery.resource.revision = {
          id: a.workItemId,
          rev,
          fields: { 'System.State': stateAt(rev) },
        };
        return replicas[i % 2]
          .post('/api/azure-devops-sync/webhooks/workitem')
          .set('Shared-Secret', secret)
          .send(delivery);
      });
      const answers = await Promise.all(posts);
      expect(answers.map(r => r.status)).toEqual(answers.map(() => 200));

      const rows = await eventually(
        'every delivery processed',
        async () => {
          const all = await knex('inbox_deliveries').where({
            organization_id: a.organizationId,
          });
          return all.length === DELIVERIES &&
            all.every(r => r.status === 'applied' || r.status === 'skipped')
            ? all
            : undefined;
        },
        60_000,
      );
      // Claimed once each: one attempt, never a second runner.
      expect(rows.filter(r => Number(r.attempts) !== 1)).toEqual([]);
      const activity = await knex('issue_activity')
        .where({ issue_id: a.issueId, source_kind: 'azure-devops' })
        .select('type', 'source_revision');
      const keys = activity.map(r => `${r.type}@${r.source_revision}`);
      expect(new Set(keys).size).toBe(keys.length);
      // The issue ends where the last revision left the work item.
      const last = stateAt(base + DELIVERIES);
      expect((await a.issue()).status).toBe(
        last === 'Done' ? 'resolved' : 'unresolved',
      );

      // Outbound: comments queued through both replicas reach ADO once each.
      await Promise.all(
        Array.from({ length: COMMENTS }, (_, i) =>
          replicas[i % 2]
            .post(`/api/azure-devops-sync/issues/${a.issueId}/comments`)
            .set('Authorization', user)
            .send({ text: `replica comment ${i}` })
            .expect(201),
        ),
      );
      const jobs = await eventually(
        'every job run',
        async () => {
          const all = await knex('outbox_jobs').where({
            issue_id: a.issueId,
            kind: 'comment',
          });
          return all.length === COMMENTS && all.every(j => j.status === 'done')
            ? all
            : undefined;
        },
        60_000,
      );
      expect(jobs.filter(j => Number(j.attempts) !== 1)).toEqual([]);
      const comments = a.workItem().comments.map((c: any) => String(c.text));
      for (let i = 0; i < COMMENTS; i++) {
        expect(
          comments.filter(t => t.includes(`replica comment ${i}<`)),
        ).toHaveLength(1);
      }
      process.stderr.write(
        `[reliability] two replicas (${databaseId}): deliveries=${DELIVERIES} applied=${
          rows.filter(r => r.status === 'applied').length
        } skipped=${
          rows.filter(r => r.status === 'skipped').length
        } claimedTwice=0 activityDuplicates=0 comments=${COMMENTS} commentsTwice=0\n`,
      );
    });
  },
);
