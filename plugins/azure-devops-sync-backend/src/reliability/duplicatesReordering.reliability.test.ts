import express from 'express';
import { Knex } from 'knex';
import { setupServer } from 'msw/node';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import {
  API,
  captureHookDelivery,
  CapturedDelivery,
  connectFabrikam,
  ConnectedOrg,
  createBug,
  createIssues,
  linkIssue,
  LoggedEmulator,
  printReportAfterAll,
  rawRequest,
  ReliabilityBackend,
  report,
  rng,
  SEED,
  sized,
  startBackend,
  startLoggedEmulator,
  until,
} from './__testUtils__/harness';

/**
 * Duplicates and reordering. Half of the ADO edits reach the plugin through the emulator's real
 * service hook path (in order, per subscription); the other half are captured and re-posted to
 * the webhook with 10 % moved out of order and 10 % of all deliveries (from both halves) posted a
 * second time. Afterwards: 0 lost (every ADO revision has exactly one inbox row, processed),
 * 0 applied twice (no activity per issue, type and revision more than once), and every issue
 * ends in the state of its work item's last revision.
 *
 * Size: RELIABILITY_DELIVERIES (default 300 × RELIABILITY_SCALE) over RELIABILITY_WORK_ITEMS
 * (default 30 × RELIABILITY_SCALE); the issue's figures are 10000 / 500.
 */
jest.setTimeout(900_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
printReportAfterAll();

const DELIVERIES = sized(300, 'RELIABILITY_DELIVERIES');
const WORK_ITEMS = Math.min(DELIVERIES, sized(30, 'RELIABILITY_WORK_ITEMS'));
const STATES = ['New', 'Approved', 'Committed', 'Done', 'Removed'];
const DONE = 'Done';
const POST_CONCURRENCY = 4;
/** Regression checks for product bugs these suites found (now fixed). */
const regression = it;

/** Stands between the emulator and the webhook: records every delivery, forwards it or holds it. */
async function startHookProxy(backendPort: number) {
  const captured: CapturedDelivery[] = [];
  const answers: Array<{ key: string; status: number; result?: string }> = [];
  let mode: 'forward' | 'hold' = 'forward';
  const app = express();
  app.post(
    '/hook',
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      const item = captureHookDelivery(req);
      captured.push(item);
      if (mode === 'hold') {
        res.status(200).json({ held: true });
        return;
      }
      const answer = await rawRequest(
        backendPort,
        'POST',
        `${API}/webhooks/workitem`,
        item.body,
        {
          'content-type': 'application/json',
          'shared-secret': item.secret,
        },
      );
      answers.push({
        key: `${item.eventType}/${item.workItemId}/${item.rev}`,
        status: answer.status,
        result: answer.body?.status,
      });
      res.status(answer.status).send(answer.text);
    },
  );
  const server = await new Promise<Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    captured,
    answers,
    setMode(m: 'forward' | 'hold') {
      mode = m;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

describe.each(databases.eachSupportedId())(
  'reliability: duplicates and reordering (%s)',
  databaseId => {
    let knex: Knex;
    let emu: LoggedEmulator;
    let backend: ReliabilityBackend;
    let proxy: Awaited<ReturnType<typeof startHookProxy>>;
    let org: ConnectedOrg;

    afterAll(async () => {
      await proxy?.close();
      await emu?.close();
    });

    it(`${DELIVERIES} deliveries over ${WORK_ITEMS} work items: 0 lost, 0 applied twice, last revision wins`, async () => {
      const started = Date.now();
      const random = rng(SEED);
      const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
      knex = await databases.init(databaseId);
      emu = await startLoggedEmulator();
      backend = await startBackend({
        knex,
        integrations: [
          {
            host: new URL(emu.url).host,
            credentials: [{ personalAccessToken: 'demo-pat' }],
          },
        ],
      });
      proxy = await startHookProxy(backend.port);
      org = await connectFabrikam(backend, emu, { hookUrl: proxy.url });

      const issueIds = await createIssues(backend, WORK_ITEMS, 'Dup');
      const workItems: number[] = [];
      for (let i = 0; i < WORK_ITEMS; i++) {
        workItems.push(await createBug(emu, `duplicates ${i}`, 'New'));
        await linkIssue(backend, issueIds[i], org.organizationId, workItems[i]);
      }
      const issueOf = new Map(workItems.map((w, i) => [w, issueIds[i]]));
      await emu.emulator.whenDeliveriesIdle();
      const setupMs = Date.now() - started;

      const fabrikam = emu.emulator.state.org('fabrikam')!;
      const stateOf = (id: number) =>
        String(fabrikam.workItems.get(id)!.fields['System.State']);
      const edit = async (id: number) => {
        const next = pick(STATES.filter(s => s !== stateOf(id)));
        await emu.admin(`/fabrikam/workitems/${id}`, {
          as: 'carol@example.com',
          fields: { 'System.State': next },
        });
      };

      // Phase A: the real service hook path, in order.
      const half = Math.floor(DELIVERIES / 2);
      const phaseAStart = Date.now();
      for (let i = 0; i < half; i++) await edit(pick(workItems));
      await emu.emulator.whenDeliveriesIdle();
      const phaseAMs = Date.now() - phaseAStart;

      // Phase B: captured, then re-posted reordered with duplicates.
      proxy.setMode('hold');
      const firstHeld = proxy.captured.length;
      for (let i = half; i < DELIVERIES; i++) await edit(pick(workItems));
      await emu.emulator.whenDeliveriesIdle();
      const held = proxy.captured.slice(firstHeld);
      const plan: CapturedDelivery[] = [...held];
      const moved = Math.round(held.length * 0.1);
      for (let i = 0; i < moved; i++) {
        // Later revisions overtake earlier ones: an item moves towards the end.
        const from = Math.floor(random() * plan.length);
        const [item] = plan.splice(from, 1);
        const to = from + Math.floor(random() * (plan.length - from + 1));
        plan.splice(to, 0, item);
      }
      const duplicates = Math.round(proxy.captured.length * 0.1);
      for (let i = 0; i < duplicates; i++) {
        const item = pick(proxy.captured);
        plan.splice(Math.floor(random() * (plan.length + 1)), 0, item);
      }
      const phaseBStart = Date.now();
      const answers: Array<{ key: string; status: number; result?: string }> =
        [];
      let next = 0;
      await Promise.all(
        Array.from({ length: POST_CONCURRENCY }, async () => {
          while (next < plan.length) {
            const item = plan[next++];
            const res = await rawRequest(
              backend.port,
              'POST',
              `${API}/webhooks/workitem`,
              item.body,
              {
                'content-type': 'application/json',
                'shared-secret': item.secret,
              },
            );
            answers.push({
              key: `${item.eventType}/${item.workItemId}/${item.rev}`,
              status: res.status,
              result: res.body?.status,
            });
          }
        }),
      );
      const postMs = Date.now() - phaseBStart;

      // Quiescence: nothing pending or running in the inbox.
      await until(
        'the inbox to drain',
        async () => {
          const open = await knex('inbox_deliveries')
            .whereIn('status', ['pending', 'running'])
            .count({ n: '*' });
          return Number(open[0].n) === 0;
        },
        { sweep: backend.sweep, ms: 120_000, everyMs: 200 },
      );
      const applyMs = Date.now() - phaseBStart;

      // 0 lost: every revision ADO sent for a linked item has exactly one processed inbox row.
      const allAnswers = [...proxy.answers, ...answers];
      const non2xx = allAnswers.filter(a => a.status !== 200);
      const rows = await knex('inbox_deliveries')
        .where({ organization_id: org.organizationId })
        .select('event_type', 'work_item_id', 'revision', 'status');
      const rowsByKey = new Map<string, any[]>();
      for (const r of rows) {
        const key = `${r.event_type}/${r.work_item_id}/${r.revision}`;
        rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), r]);
      }
      const sent = emu.emulator.dispatcher.log.filter(d =>
        issueOf.has(d.workItemId),
      );
      const sentKeys = new Set(
        sent.map(d => `${d.eventType}/${d.workItemId}/${d.rev}`),
      );
      const lost = [...sentKeys].filter(
        k =>
          !rowsByKey.has(k) ||
          !['applied', 'skipped'].includes(rowsByKey.get(k)![0].status),
      );
      const doubleRows = [...rowsByKey.values()].filter(v => v.length > 1);
      // Each delivery is accepted once; every repeat is answered as a duplicate.
      const acceptedPerKey = new Map<string, number>();
      for (const a of allAnswers)
        if (a.result === 'accepted')
          acceptedPerKey.set(a.key, (acceptedPerKey.get(a.key) ?? 0) + 1);
      const acceptedTwice = [...acceptedPerKey].filter(([, n]) => n > 1);
      const duplicateAnswers = allAnswers.filter(
        a => a.result === 'duplicate',
      ).length;

      // 0 applied twice: no issue has the same change from the same revision twice.
      const activity = await knex('issue_activity')
        .whereNotNull('source_revision')
        .select('issue_id', 'type', 'source_revision');
      const seen = new Map<string, number>();
      for (const a of activity) {
        const key = `${a.issue_id}/${a.type}/${a.source_revision}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      const appliedTwice = [...seen].filter(([, n]) => n > 1);

      // Last revision wins.
      const issues = await knex('issues')
        .whereIn('id', issueIds)
        .select('id', 'status');
      const statusOf = new Map(issues.map(i => [i.id, i.status]));
      const links = await knex('issue_links')
        .where({ organization_id: org.organizationId })
        .select('work_item_id', 'state');
      const linkState = new Map(
        links.map(l => [Number(l.work_item_id), l.state]),
      );
      const wrong = workItems
        .map(w => {
          const last = stateOf(w);
          const want = last === DONE ? 'resolved' : 'unresolved';
          return {
            workItemId: w,
            rev: fabrikam.workItems.get(w)!.rev,
            lastState: last,
            issueStatus: statusOf.get(issueOf.get(w)!),
            wantStatus: want,
            linkState: linkState.get(w),
          };
        })
        .filter(
          x => x.issueStatus !== x.wantStatus || x.linkState !== x.lastState,
        );

      report(`duplicates and reordering (${databaseId})`, {
        deliveriesFromAdo: sent.length,
        workItems: WORK_ITEMS,
        throughHookPath: proxy.answers.length,
        reposted: plan.length,
        movedOutOfOrder: moved,
        duplicatesPosted: duplicates,
        duplicateAnswers,
        non2xx: non2xx.length,
        lost: lost.length,
        inboxRowsTwice: doubleRows.length,
        acceptedTwice: acceptedTwice.length,
        appliedTwice: appliedTwice.length,
        wrongFinalState: `${wrong.length} `,
        setupMs,
        phaseAMs,
        repostMs: postMs,
        repostAndApplyMs: applyMs,
        seed: SEED,
        wallMs: Date.now() - started,
      });

      expect(non2xx).toEqual([]);
      expect(lost).toEqual([]);
      expect(doubleRows).toEqual([]);
      expect(acceptedTwice).toEqual([]);
      expect(duplicateAnswers).toBeGreaterThanOrEqual(duplicates);
      expect(appliedTwice).toEqual([]);
      const history = await knex('inbox_deliveries')
        .whereIn(
          'work_item_id',
          wrong.map(w => w.workItemId),
        )
        .orderBy('processed_at')
        .select('work_item_id', 'revision', 'payload', 'outcome');
      const lastRevisionView = {
        wrong,
        history: history.map(
          h =>
            `#${h.work_item_id} rev ${h.revision} ${JSON.stringify(
              JSON.parse(h.payload).resource?.fields?.['System.State'],
            )}: ${h.outcome}`,
        ),
      };
      // Every issue ends in the state of its work item's last revision.
      expect(lastRevisionView).toEqual({
        wrong: [],
        history: [],
      });
    });

    // Regression (found by this suite, now fixed; the deterministic form of what the run above counts as wrongFinalState):
    // deliveries carry only the changed fields, and a revision at or below the last applied one
    // is dropped, so when rev 3 (Committed → Approved, no status change) overtakes rev 2
    // (Done → Committed, an unresolve), the unresolve is lost and the issue stays resolved while
    // the work item is Approved. Fixed: kept as a regression check.
    const inboxDrained = async () =>
      Number(
        (
          await knex('inbox_deliveries')
            .whereIn('status', ['pending', 'running'])
            .count({ n: '*' })
        )[0].n,
      ) === 0;

    /* eslint-disable jest/no-standalone-expect */
    regression(
      'a late unresolve overtaken by a later no-op revision still leaves the issue unresolved',
      async () => {
        const [issueId] = await createIssues(backend, 1, 'Overtaken');
        const workItemId = await createBug(emu, 'overtaken', 'New');
        await linkIssue(backend, issueId, org.organizationId, workItemId);
        proxy.setMode('hold');
        await emu.emulator.whenDeliveriesIdle();
        const first = proxy.captured.length;
        for (const state of ['Done', 'Committed', 'Approved'])
          await emu.admin(`/fabrikam/workitems/${workItemId}`, {
            as: 'carol@example.com',
            fields: { 'System.State': state },
          });
        await emu.emulator.whenDeliveriesIdle();
        const [toDone, toCommitted, toApproved] = proxy.captured
          .slice(first)
          .filter(c => c.workItemId === workItemId);
        for (const item of [toDone, toApproved, toCommitted]) {
          const res = await rawRequest(
            backend.port,
            'POST',
            `${API}/webhooks/workitem`,
            item.body,
            {
              'content-type': 'application/json',
              'shared-secret': item.secret,
            },
          );
          expect(res.body.status).toBe('accepted');
          await until('the delivery to be processed', inboxDrained, {
            sweep: backend.sweep,
          });
        }
        const issue = await knex('issues').where({ id: issueId }).first();
        expect({ state: 'Approved', status: issue.status }).toEqual({
          state: 'Approved',
          status: 'unresolved',
        });
      },
    );
    /* eslint-enable jest/no-standalone-expect */
  },
);
