import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { WorkItemChange } from '@internal/ado-emulator';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  API,
  connectFabrikam,
  mapPaymentsStatus,
  createBug,
  createIssues,
  linkIssue,
  LoggedEmulator,
  printReportAfterAll,
  rawRequest,
  RawResponse,
  report,
  sized,
  startLoggedEmulator,
  user,
  workItemUpdate,
} from './__testUtils__/harness';
import {
  BackendProcess,
  killAllBackends,
  postgresDatabase,
  ProcessDatabase,
  spawnBackend,
  startHookBalancer,
  TaskRun,
} from './__testUtils__/spawnBackend';

/**
 * Two backend processes on one PostgreSQL, each on its own port: webhook deliveries alternate
 * between them, comments and status changes are queued through both, and both run the plugin's
 * scheduled tasks with the reconciliation and the service hook check every few seconds
 * (`azureDevOpsSync.schedule`; the test scheduler caps the initial delays at a second). Some ADO
 * changes reach neither process (their deliveries are lost), so only the reconciliation brings
 * them in. Afterwards:
 *
 * - every delivery is applied (linked) or skipped (unlinked) after exactly one claim, with one
 *   comment activity per linked delivery and each issue in its last revision's state;
 * - every job ran once (one claim, its comment in the emulator once, the work item in the
 *   issue's state);
 * - every lost change was reconciled and applied once;
 * - the `global` tasks (connect, hook check, reconciliation) never ran on both processes at once
 *   and not more often than their schedule allows for one, and every hook check run made exactly
 *   one hook request to ADO; the `local` queue sweep ran on both;
 * - no 5xx.
 *
 * PostgreSQL only (SQLite is one process's file).
 *
 * Size: RELIABILITY_PROCESS_DELIVERIES (default 200 × RELIABILITY_SCALE) deliveries, half for
 * RELIABILITY_PROCESS_LINKED (default 6 × RELIABILITY_SCALE) linked work items;
 * RELIABILITY_PROCESS_JOBS (default 30 × RELIABILITY_SCALE) comments and status changes;
 * RELIABILITY_PROCESS_OBSERVE_MS (default 12000) of scheduled runs watched at least.
 */
jest.setTimeout(600_000);

const databases = createTestDatabases();
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id.startsWith('POSTGRES'));
printReportAfterAll();

const DELIVERIES = sized(200, 'RELIABILITY_PROCESS_DELIVERIES');
const LINKED = sized(6, 'RELIABILITY_PROCESS_LINKED');
const JOBS = sized(30, 'RELIABILITY_PROCESS_JOBS');
const OBSERVE_MS = Number(process.env.RELIABILITY_PROCESS_OBSERVE_MS ?? 12_000);
const OUTBOUND_ITEMS = 4;
const LOST_ITEMS = 3;
const CADENCE_SECONDS = 3;
const CONCURRENCY = 6;
const FIRST_REVISION = 100;
const STATE_OF = (rev: number) => (rev % 2 === 0 ? 'Done' : 'Committed');
const GLOBAL_TASKS: Record<string, number> = {
  'azure-devops-sync-connect': 60,
  'azure-devops-sync-subscription-health': CADENCE_SECONDS,
  'azure-devops-sync-reconcile': CADENCE_SECONDS,
};
const QUEUE_SWEEP = 'azure-devops-sync-queue-sweep';

/** `claimed_by` holds the claiming process's pid. */
function pidOf(claimedBy: string | null): number {
  return Number(/^\w+-(\d+)-/.exec(claimedBy ?? '')?.[1] ?? 0);
}

describe.each(postgres.length > 0 ? postgres : [['none']])(
  'reliability: two backend processes on one database (%s)',
  databaseId => {
    let emu: LoggedEmulator | undefined;
    let db: ProcessDatabase | undefined;
    let balancer: Awaited<ReturnType<typeof startHookBalancer>> | undefined;

    afterAll(async () => {
      await killAllBackends();
      await balancer?.close();
      await emu?.close();
      await db?.close();
    });

    it(`${DELIVERIES} deliveries and ${JOBS} jobs over two processes: each applied once, global sweeps never doubled`, async () => {
      if (databaseId === 'none') {
        // eslint-disable-next-line no-console
        console.warn('two processes: no PostgreSQL, nothing to run');
        return;
      }
      const started = Date.now();
      db = await postgresDatabase(
        await databases.init(databaseId as TestDatabaseId),
        databaseId,
      );
      emu = await startLoggedEmulator();
      const changes: WorkItemChange[] = [];
      emu.emulator.state.onChange(change => changes.push(change));
      const knex = db.knex();

      // A first, then B joins (as in a rolling deployment): two processes migrating an empty
      // database at once can race on creating knex's migration tables.
      const spawnedAt = Date.now();
      const processes: BackendProcess[] = [];
      for (const name of ['A', 'B']) {
        processes.push(
          await spawnBackend({
            name,
            database: db!.config,
            emulatorUrl: emu!.url,
            plugin: {
              schedule: {
                reconcileMinutes: CADENCE_SECONDS / 60,
                subscriptionCheckMinutes: CADENCE_SECONDS / 60,
              },
            },
            initialDelaySeconds: 1,
          }),
        );
      }
      const startMs = Date.now() - spawnedAt;
      // Both up from here: the window in which the schedule is judged.
      const upAt = Math.max(...processes.map(p => p.readyAt));
      const [a, b] = processes;

      // ADO's service hook reaches both processes through one address, in turn; the deliveries
      // of the "lost" work items' changes never arrive.
      const lostIds = new Set<number>();
      balancer = await startHookBalancer({
        ports: () => processes.map(p => p.port),
        path: `${API}/webhooks/workitem`,
        lose: ({ workItemId }) => lostIds.has(workItemId),
      });
      const org = await connectFabrikam(a.harness, emu, {
        hookUrl: balancer.url,
      });
      const connectedAt = Date.now();
      await mapPaymentsStatus(b.harness, org);
      const issueIds = await createIssues(
        a.harness,
        LINKED + OUTBOUND_ITEMS + LOST_ITEMS,
        'Replica',
      );
      const workItems: number[] = [];
      for (let i = 0; i < issueIds.length; i++) {
        workItems.push(await createBug(emu, `replica ${i}`, 'New'));
        await linkIssue(
          processes[i % 2].harness,
          issueIds[i],
          org.organizationId,
          workItems[i],
        );
      }
      const issueOf = new Map(workItems.map((w, i) => [w, issueIds[i]]));
      const inbound = workItems.slice(0, LINKED);
      const outboundItems = workItems.slice(LINKED, LINKED + OUTBOUND_ITEMS);
      const lostItems = workItems.slice(LINKED + OUTBOUND_ITEMS);
      lostItems.forEach(w => lostIds.add(w));

      // Changes in ADO whose deliveries never arrive.
      for (const w of lostItems) {
        await emu.admin(`/fabrikam/workitems/${w}`, {
          as: 'carol@example.com',
          fields: { 'System.State': 'Done' },
        });
      }

      // Deliveries, alternating between the processes; jobs through both, spread among them.
      const nextRev = new Map<number, number>();
      const deliveries = Array.from({ length: DELIVERIES }, (_, i) => {
        const linked = i % 2 === 0;
        const workItemId = linked
          ? inbound[(i / 2) % inbound.length]
          : 900_000 + (((i - 1) / 2) % 40);
        const rev = (nextRev.get(workItemId) ?? FIRST_REVISION) + 1;
        nextRev.set(workItemId, rev);
        return {
          key: `${workItemId}/${rev}`,
          workItemId,
          rev,
          linked,
          target: processes[i % 2],
          body: workItemUpdate(org, workItemId, rev, {
            from: STATE_OF(rev - 1),
            to: STATE_OF(rev),
            comment: linked
              ? `replica delivery ${workItemId}/${rev}`
              : undefined,
          }),
          answer: 0 as number | string,
        };
      });
      const nextStatus = new Map<string, string>();
      const ops = Array.from({ length: JOBS }, (_, index) => {
        const workItemId = outboundItems[index % outboundItems.length];
        const issueId = issueOf.get(workItemId)!;
        const target = processes[index % 2];
        if (index % 3 === 2) {
          const s =
            nextStatus.get(issueId) === 'resolved' ? 'unresolved' : 'resolved';
          nextStatus.set(issueId, s);
          return {
            index,
            kind: 'status',
            issueId,
            workItemId,
            target,
            status: s,
            answer: 0 as number | string,
          };
        }
        return {
          index,
          kind: 'comment',
          issueId,
          workItemId,
          target,
          marker: `replica comment #${String(index).padStart(6, '0')}`,
          answer: 0 as number | string,
        };
      });
      const errors: string[] = [];
      const answer = (
        what: string,
        res: Awaited<ReturnType<typeof rawRequest>> | Error,
      ) => {
        // Not `instanceof Error`: node's socket errors come from outside jest's realm.
        if (typeof (res as RawResponse).status !== 'number') {
          const message = String((res as Error).message);
          errors.push(`${what}: ${message}`);
          return message;
        }
        const response = res as RawResponse;
        if (response.status < 200 || response.status >= 300)
          errors.push(
            `${what}: ${response.status} ${response.text.slice(0, 300)}`,
          );
        return response.status;
      };
      let nextDelivery = 0;
      let nextOp = 0;
      await Promise.all([
        ...Array.from({ length: CONCURRENCY }, async () => {
          while (nextDelivery < deliveries.length) {
            const d = deliveries[nextDelivery++];
            const res = await rawRequest(
              d.target.port,
              'POST',
              `${API}/webhooks/workitem`,
              d.body,
              {
                'content-type': 'application/json',
                'shared-secret': org.secret,
              },
            ).catch((e: Error) => e);
            d.answer = answer(`delivery ${d.key} via ${d.target.name}`, res);
          }
        }),
        ...[0, 1].map(async () => {
          while (nextOp < ops.length) {
            const op = ops[nextOp++];
            // Spread among the deliveries.
            while (nextDelivery < (op.index * DELIVERIES) / JOBS)
              await new Promise(r => setTimeout(r, 5));
            const res = await rawRequest(
              op.target.port,
              op.kind === 'comment' ? 'POST' : 'PATCH',
              op.kind === 'comment'
                ? `${API}/issues/${op.issueId}/comments`
                : `${API}/issues/${op.issueId}`,
              JSON.stringify(
                op.kind === 'comment'
                  ? { text: op.marker }
                  : { status: op.status },
              ),
              { 'content-type': 'application/json', authorization: user },
            ).catch((e: Error) => e);
            op.answer = answer(
              `${op.kind} op ${op.index} via ${op.target.name}`,
              res,
            );
          }
        }),
      ]);

      // Settled, the lost changes reconciled, and the schedule watched long enough.
      const runsOf = (id: string) =>
        processes.flatMap(p => p.taskRuns).filter(r => r.id === id);
      const deadline = Date.now() + 120_000;
      for (;;) {
        const open =
          Number(
            (
              await knex('inbox_deliveries')
                .whereIn('status', ['pending', 'running'])
                .count({ n: '*' })
            )[0].n,
          ) +
          Number(
            (
              await knex('outbox_jobs')
                .whereIn('status', ['pending', 'running'])
                .count({ n: '*' })
            )[0].n,
          ) +
          emu.emulator.dispatcher.log.filter(r => r.status === 'pending')
            .length;
        const resolved = await knex('issues')
          .whereIn(
            'id',
            lostItems.map(w => issueOf.get(w)!),
          )
          .andWhere({ status: 'resolved' })
          .count({ n: '*' });
        const watched =
          Date.now() - upAt >= OBSERVE_MS &&
          runsOf('azure-devops-sync-reconcile').filter(r => r.endedAt).length >=
            2 &&
          runsOf('azure-devops-sync-subscription-health').filter(r => r.endedAt)
            .length >= 2;
        if (open === 0 && Number(resolved[0].n) === lostItems.length && watched)
          break;
        if (Date.now() > deadline) break;
        await new Promise(r => setTimeout(r, 250));
      }
      const windowEnd = Date.now();
      // The GETs of the hook up to now (a run still going may add one later).
      const hookGets = emu.requests.filter(
        r =>
          r.method === 'GET' &&
          r.at >= connectedAt &&
          r.path.includes(`/_apis/hooks/subscriptions/${org.subscriptionId}`),
      ).length;
      const dead = processes
        .filter(p => !p.alive())
        .map(p => `${p.name} died:\n${p.output()}`);
      const runsNow = new Map(
        Object.keys(GLOBAL_TASKS).map(id => [
          id,
          runsOf(id).map(r => ({ ...r })),
        ]),
      );
      await Promise.all(processes.map(p => p.stop()));

      // Deliveries: one row each, one claim, the right end.
      const rows: any[] = await knex('inbox_deliveries')
        .where({ organization_id: org.organizationId })
        .select(
          'work_item_id',
          'revision',
          'status',
          'attempts',
          'claimed_by',
          'payload',
        );
      const rowOf = new Map(
        rows.map(r => [`${Number(r.work_item_id)}/${Number(r.revision)}`, r]),
      );
      // The suite's deliveries, and ADO's own (echoes of the jobs) that reached a process.
      const dispatched = emu.emulator.dispatcher.log;
      const lost = [
        ...deliveries.filter(d => !rowOf.has(d.key)).map(d => d.key),
        ...dispatched
          .filter(
            r =>
              r.status === 'succeeded' &&
              !lostIds.has(r.workItemId) &&
              !rowOf.has(`${r.workItemId}/${r.rev}`),
          )
          .map(r => `ADO delivery ${r.workItemId}/${r.rev}`),
      ];
      const wrongEnd = deliveries
        .filter(
          d =>
            rowOf.has(d.key) &&
            rowOf.get(d.key).status !== (d.linked ? 'applied' : 'skipped'),
        )
        .map(d => `${d.key} ${rowOf.get(d.key).status}`);
      // Linked deliveries are claimed once; unlinked ones may be stored settled (no claim).
      const claimedTwice = rows
        .filter(r => Number(r.attempts) > 1)
        .map(r => `${r.work_item_id}/${r.revision} ×${r.attempts}`);
      const activity: any[] = await knex('issue_activity')
        .whereIn(
          'issue_id',
          [...inbound, ...lostItems].map(w => issueOf.get(w)!),
        )
        .andWhere({ source_kind: 'azure-devops' })
        .select('issue_id', 'type', 'source_revision');
      const perKey = new Map<string, number>();
      for (const x of activity) {
        const k = `${x.issue_id}/${x.type}/${x.source_revision}`;
        perKey.set(k, (perKey.get(k) ?? 0) + 1);
      }
      const appliedTwice = [...perKey]
        .filter(([, n]) => n > 1)
        .map(([k, n]) => `${k} ×${n}`);
      const missingComment = deliveries
        .filter(
          d =>
            d.linked &&
            !perKey.has(`${issueOf.get(d.workItemId)}/comment/${d.rev}`),
        )
        .map(d => d.key);
      const wrongStatus: string[] = [];
      for (const w of inbound) {
        const last = Math.max(
          ...deliveries.filter(d => d.workItemId === w).map(d => d.rev),
        );
        const issue = await knex('issues')
          .where({ id: issueOf.get(w) })
          .first('status');
        const want = STATE_OF(last) === 'Done' ? 'resolved' : 'unresolved';
        if (issue.status !== want)
          wrongStatus.push(`#${w} rev ${last}: ${issue.status}, want ${want}`);
      }

      // The lost changes: reconciled (a synthetic delivery), applied once.
      const fabrikam = emu.emulator.state.org('fabrikam')!;
      const notReconciled: string[] = [];
      for (const w of lostItems) {
        const rev = fabrikam.workItems.get(w)!.rev;
        const row = rowOf.get(`${w}/${rev}`);
        const issue = await knex('issues')
          .where({ id: issueOf.get(w) })
          .first('status');
        const resolvedTimes = activity.filter(
          x => x.issue_id === issueOf.get(w) && x.type === 'set_resolved',
        ).length;
        if (
          !row ||
          row.status !== 'applied' ||
          issue.status !== 'resolved' ||
          resolvedTimes !== 1
        )
          notReconciled.push(
            `#${w} rev ${rev}: ${
              row
                ? `${row.status}${
                    JSON.parse(row.payload).reconciled ? ' (reconciled)' : ''
                  }`
                : 'no delivery'
            }, issue ${issue.status}, resolved ${resolvedTimes}×`,
          );
      }
      const reconciled = rows.filter(
        r => JSON.parse(r.payload).reconciled,
      ).length;

      // Jobs: one claim each, done, their effect in ADO once.
      const jobs: any[] = await knex('outbox_jobs')
        .whereIn(
          'issue_id',
          outboundItems.map(w => issueOf.get(w)!),
        )
        .select(
          'kind',
          'status',
          'attempts',
          'payload',
          'work_item_id',
          'claimed_by',
          'last_error',
          'outcome',
        )
        .orderBy('seq');
      const jobProblems: string[] = [];
      let commentsTwice = 0;
      for (const op of ops.filter(o => o.kind === 'comment')) {
        const queued = jobs.filter(
          j => j.kind === 'comment' && JSON.parse(j.payload).text === op.marker,
        );
        const inAdo = outboundItems
          .flatMap(w => fabrikam.workItems.get(w)!.comments)
          .filter(c => c.text.includes(`${op.marker}<`)).length;
        if (queued.length !== 1 || inAdo !== 1)
          jobProblems.push(
            `${op.marker}: ${queued.length} job(s), ${inAdo} comment(s) in ADO`,
          );
        if (inAdo > 1) commentsTwice++;
      }
      for (const j of jobs) {
        if (j.status !== 'done' || Number(j.attempts) !== 1)
          jobProblems.push(
            `${j.kind} job #${j.work_item_id} ${
              JSON.parse(j.payload).status ?? ''
            }: ${j.status} after ${j.attempts} claim(s) by ${j.claimed_by}: ${
              j.outcome ?? j.last_error ?? ''
            }`,
          );
      }
      for (const w of outboundItems) {
        const statusJobs = jobs.filter(
          j => j.kind === 'status' && Number(j.work_item_id) === w,
        );
        if (statusJobs.length === 0) continue;
        const writes = changes.filter(
          c =>
            c.after.id === w &&
            c.before &&
            c.before.fields['System.State'] !== c.after.fields['System.State'],
        ).length;
        const issue = await knex('issues')
          .where({ id: issueOf.get(w) })
          .first('status');
        const want = issue.status === 'resolved' ? 'Done' : 'Committed';
        const state = fabrikam.workItems.get(w)!.fields['System.State'];
        if (state !== want)
          jobProblems.push(`#${w}: ADO state ${state}, issue ${issue.status}`);
        if (writes !== statusJobs.length)
          jobProblems.push(
            `#${w}: ${writes} state writes for ${statusJobs.length} status jobs`,
          );
      }

      // The schedule: global tasks one run at a time, at most one per period; local on both.
      // From the first process being up: no run starts before.
      const windowMs = windowEnd - Math.min(...processes.map(p => p.readyAt));
      const scheduleProblems: string[] = [];
      const runFigures: Record<string, string> = {};
      const byProcess = (runs: TaskRun[]) =>
        processes
          .map(p => `${p.name}:${runs.filter(r => r.pid === p.pid).length}`)
          .join(',');
      for (const [id, cadence] of Object.entries(GLOBAL_TASKS)) {
        const runs = [...runsNow.get(id)!].sort(
          (x, y) => x.startedAt - y.startedAt,
        );
        for (let i = 1; i < runs.length; i++) {
          const previousEnd = runs[i - 1].endedAt ?? Infinity;
          if (runs[i].startedAt < previousEnd)
            scheduleProblems.push(
              `${id}: a run on ${runs[i].process} started ${
                runs[i].startedAt - runs[i - 1].startedAt
              } ms after one on ${runs[i - 1].process}, before it ended`,
            );
        }
        const allowed = Math.floor(windowMs / (cadence * 1000)) + 2;
        if (runs.length > allowed)
          scheduleProblems.push(
            `${id}: ${runs.length} runs in ${windowMs} ms, at most ${allowed} for one process`,
          );
        runFigures[id.replace('azure-devops-sync-', '')] = byProcess(runs);
      }
      // Each hook check run after the connection asks ADO for the hook once (a run that began
      // before it may or may not have seen the organization).
      const healthRuns = runsNow.get('azure-devops-sync-subscription-health')!;
      const surelySeen = healthRuns.filter(
        r => r.startedAt > connectedAt && r.endedAt,
      ).length;
      const maybeSeen = healthRuns.filter(
        r => (r.endedAt ?? Infinity) > connectedAt,
      ).length;
      if (hookGets < surelySeen || hookGets > maybeSeen)
        scheduleProblems.push(
          `hook check: ${healthRuns.length} runs (${surelySeen}–${maybeSeen} after the connection), ${hookGets} hook requests to ADO`,
        );
      if (
        runsOf('azure-devops-sync-reconcile').length < 2 ||
        healthRuns.length < 2
      )
        scheduleProblems.push(
          'the reconciliation or the hook check ran less than twice: nothing was compared',
        );
      const sweeps = runsOf(QUEUE_SWEEP);
      for (const p of processes)
        if (!sweeps.some(r => r.pid === p.pid))
          scheduleProblems.push(`${QUEUE_SWEEP} never ran on ${p.name}`);

      const claims = (list: any[]) =>
        processes
          .map(
            p =>
              `${p.name}:${
                list.filter(r => pidOf(r.claimed_by) === p.pid).length
              }`,
          )
          .join(',');
      report(`two processes (${databaseId})`, {
        deliveries: DELIVERIES,
        acked: deliveries.filter(d => d.answer === 200).length,
        stored: rows.length,
        applied: rows.filter(r => r.status === 'applied').length,
        skipped: rows.filter(r => r.status === 'skipped').length,
        reconciled,
        claimedBy: claims(rows),
        claimedTwice: claimedTwice.length,
        appliedTwice: appliedTwice.length,
        jobs: jobs.length,
        jobsClaimedBy: claims(jobs),
        commentsTwice,
        ...Object.fromEntries(
          Object.entries(runFigures).map(([k, v]) => [`${k}Runs`, v]),
        ),
        queueSweepRuns: byProcess(sweeps),
        hookGets,
        adoDeliveries: `${
          dispatched.filter(r => r.status === 'succeeded').length
        }/${dispatched.length}`,
        hookForwarded: processes
          .map(p => `${p.name}:${balancer!.forwarded.get(p.port) ?? 0}`)
          .join(','),
        overlappingRuns: scheduleProblems.filter(p =>
          p.includes('before it ended'),
        ).length,
        errors: errors.length,
        startMs,
        windowMs,
        wallMs: Date.now() - started,
      });

      expect({
        dead,
        errors,
        lost,
        wrongEnd,
        claimedTwice,
        appliedTwice,
        missingComment,
        wrongStatus,
        notReconciled,
        jobProblems,
        scheduleProblems,
      }).toEqual({
        dead: [],
        errors: [],
        lost: [],
        wrongEnd: [],
        claimedTwice: [],
        appliedTwice: [],
        missingComment: [],
        wrongStatus: [],
        notReconciled: [],
        jobProblems: [],
        scheduleProblems: [],
      });
    });
  },
);
