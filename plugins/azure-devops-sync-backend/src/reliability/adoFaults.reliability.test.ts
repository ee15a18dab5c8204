import { Knex } from 'knex';
import { setupServer } from 'msw/node';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import {
  API,
  connectFabrikam,
  mapPaymentsStatus,
  createBug,
  createIssues,
  linkIssue,
  LoggedEmulator,
  printReportAfterAll,
  ReliabilityBackend,
  report,
  sized,
  startBackend,
  startLoggedEmulator,
  until,
  user,
} from './__testUtils__/harness';

/**
 * ADO faults on outbound calls: while issues are resolved, assigned and commented on, the
 * emulator answers 429 with `Retry-After: 1`, injects 503s and adds latency. Every outbound job
 * completes (`done`) once ADO recovers, none is dropped, and no request follows a 429 sooner than
 * its Retry-After (measured on the emulator's own request log).
 *
 * Size: RELIABILITY_FAULT_ISSUES (default 5 × RELIABILITY_SCALE) issues, three jobs each.
 */
jest.setTimeout(600_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
printReportAfterAll();

const ISSUES = sized(5, 'RELIABILITY_FAULT_ISSUES');
const RETRY_AFTER_SECONDS = 1;
/** Timer and clock granularity between the emulator's log and the client's sleep. */
const TOLERANCE_MS = 5;
/** Regression checks for product bugs these suites found (now fixed). */
const regression = it;

describe.each(databases.eachSupportedId())(
  'reliability: ADO faults (%s)',
  databaseId => {
    let emu: LoggedEmulator;
    let knex: Knex;
    let backend: ReliabilityBackend;
    let orgEarly: string[] | undefined;

    afterAll(async () => {
      await emu?.close();
    });

    it(`${
      ISSUES * 3
    } outbound jobs through 429/Retry-After, 503 and latency: all done, none early`, async () => {
      const started = Date.now();
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
      const org = await connectFabrikam(backend, emu);
      await mapPaymentsStatus(backend, org);
      const issueIds = await createIssues(backend, ISSUES, 'Fault');
      const workItems: number[] = [];
      for (let i = 0; i < ISSUES; i++) {
        workItems.push(await createBug(emu, `faults ${i}`, 'New'));
        await linkIssue(backend, issueIds[i], org.organizationId, workItems[i]);
      }
      await emu.emulator.whenDeliveriesIdle();
      await backend.sweep();

      // Faults from now on: the first ADO calls fail with 503, then a run of 429s, all slow.
      const firstFaultyRequest = emu.requests.length;
      emu.emulator.knobs.set({
        latencyMs: 100,
        fail: { status: 503, count: 4 + ISSUES, pathContains: '/_apis/wit/' },
        throttle: {
          afterRequests: 0,
          retryAfterSeconds: RETRY_AFTER_SECONDS,
          count: 6 + ISSUES,
        },
      });
      const faultStart = Date.now();
      for (const id of issueIds) {
        await backend.api
          .patch(`${API}/issues/${id}`)
          .set('Authorization', user)
          .send({ status: 'resolved', assignee: 'user:default/alice' })
          .expect(200);
        await backend.api
          .post(`${API}/issues/${id}/comments`)
          .set('Authorization', user)
          .send({ text: `fault comment ${id}` })
          .expect(201);
      }
      const jobs = () =>
        knex('outbox_jobs')
          .whereIn('issue_id', issueIds)
          .select('id', 'kind', 'status', 'attempts', 'last_error', 'outcome');
      await until(
        'every outbound job to finish',
        async () =>
          (
            await jobs()
          ).every(j => ['done', 'skipped', 'failed'].includes(j.status)),
        { sweep: backend.sweep, ms: 240_000, everyMs: 250 },
      );
      const recoveredMs = Date.now() - faultStart;
      const finished = await jobs();

      // Every 429 is followed by the next request no sooner than its Retry-After.
      const log = emu.requests.slice(firstFaultyRequest);
      const throttled = log.filter(r => r.status === 429);
      const gaps = throttled.map(r => {
        const after = log.find(n => n.at >= r.doneAt! && n !== r);
        return after ? after.at - r.doneAt! : Infinity;
      });
      const minimum = RETRY_AFTER_SECONDS * 1000 - TOLERANCE_MS;
      // The same call again (the client's own retry or the job's next attempt).
      const sameJobEarly = throttled
        .map(r => {
          const again = log.find(
            n =>
              n.at >= r.doneAt! && n.method === r.method && n.path === r.path,
          );
          return again
            ? { path: r.path, gapMs: again.at - r.doneAt! }
            : undefined;
        })
        .filter(g => g && g.gapMs < minimum);
      // Any call to the organization (ADO throttles the identity, not the URL).
      orgEarly = throttled
        .map((r, i) => ({ r, gap: gaps[i] }))
        .filter(({ gap }) => gap < minimum)
        .map(({ r, gap }) => {
          const next = log.find(n => n.at >= r.doneAt! && n !== r)!;
          return `${r.method} ${r.path.replace(
            /\?.*/,
            '',
          )} → 429 (Retry-After ${r.retryAfter}), then ${
            next.method
          } ${next.path.replace(/\?.*/, '')} ${gap} ms later`;
        });
      const injected503 = log.filter(r => r.status === 503).length;
      const fabrikam = emu.emulator.state.org('fabrikam')!;
      const notApplied = workItems.filter(id => {
        const f = fabrikam.workItems.get(id)!.fields;
        return (
          f['System.State'] !== 'Done' ||
          !String(f['System.AssignedTo'] ?? '').includes('alice@example.com') ||
          !String(f['System.History'] ?? '').includes('fault comment')
        );
      });
      const attempts = finished.map(j => Number(j.attempts));

      report(`ADO faults (${databaseId})`, {
        jobs: finished.length,
        done: finished.filter(j => j.status === 'done').length,
        failed: finished.filter(j => j.status === 'failed').length,
        skipped: finished.filter(j => j.status === 'skipped').length,
        adoRequests: log.length,
        answered429: throttled.length,
        answered503: injected503,
        minGapAfter429Ms: Math.min(...gaps),
        sameCallSoonerThanRetryAfter: sameJobEarly.length,
        orgCallSoonerThanRetryAfter: orgEarly.length,
        maxJobAttempts: Math.max(...attempts),
        workItemsNotUpdated: notApplied.length,
        recoveredMs,
        wallMs: Date.now() - started,
      });

      expect(finished).toHaveLength(ISSUES * 3);
      expect(finished.filter(j => j.status !== 'done')).toEqual([]);
      expect(throttled.length).toBeGreaterThan(0);
      expect(injected503).toBeGreaterThan(0);
      expect(sameJobEarly).toEqual([]);
      expect(notApplied).toEqual([]);
    });

    // Fixed product bug: AdoClient.request applies a 429's Retry-After to the organization's
    // RequestGate only when it retries itself; on its last attempt it throws (the job is
    // rescheduled correctly) without gate.holdFor, so the worker's next job calls ADO at once.
    /* eslint-disable jest/no-standalone-expect */
    regression(
      'no call to the organization follows a 429 sooner than its Retry-After ',
      () => {
        expect(orgEarly).toBeDefined();
        expect(orgEarly).toEqual([]);
      },
    );
    /* eslint-enable jest/no-standalone-expect */
  },
);
