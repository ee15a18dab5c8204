import type { TestDatabaseId } from '@backstage/backend-test-utils';
import type { WorkItemChange } from '@internal/ado-emulator';
import { Knex } from 'knex';
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
  rng,
  SEED,
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
  sqliteFileDatabase,
} from './__testUtils__/spawnBackend';

/**
 * Crash: the backend is a real process, killed with SIGKILL in the middle of a load of webhook
 * deliveries and outbound jobs, then started again on the same database and port. ADO's part is
 * played by the suite: it resends every delivery that got no 2xx (as ADO retries), and keeps
 * every answer. Kill points: after a share of the deliveries got their 2xx while more are in
 * flight and the inbox and outbox runners are busy, and once again shortly after a restart, while
 * the backlog is drained. Afterwards, on the last process:
 *
 * - lost: 0 — every delivery that got a 2xx has its inbox row, and every row ends applied
 *   (linked work item) or skipped (unlinked), none failed or still open;
 * - applied twice: 0 — one comment activity per linked delivery, at most one status activity
 *   per issue and revision, and each issue in the state of its work item's last revision;
 * - every job queued through the API (201/200) runs exactly once: its comment is in the
 *   emulator once, status jobs leave the work item on the issue's side of done without extra
 *   writes;
 * - no 5xx from the webhook or the API.
 *
 * Runs on a SQLite file (not :memory:) and on PostgreSQL.
 *
 * Size: RELIABILITY_CRASH_DELIVERIES (default 300 × RELIABILITY_SCALE) deliveries, half for
 * RELIABILITY_CRASH_LINKED (default 6 × RELIABILITY_SCALE) linked work items; RELIABILITY_CRASH_JOBS
 * (default 30 × RELIABILITY_SCALE) comments and status changes on 4 other linked work items;
 * RELIABILITY_CRASH_KILLS (default 3) kills. RELIABILITY_CRASH_RECOVERY_MS (default 60000) is how
 * long the last process may take to settle everything.
 */
jest.setTimeout(900_000);

const databases = createTestDatabases();
printReportAfterAll();

const DELIVERIES = sized(300, 'RELIABILITY_CRASH_DELIVERIES');
const LINKED = sized(6, 'RELIABILITY_CRASH_LINKED');
const JOBS = sized(30, 'RELIABILITY_CRASH_JOBS');
const OUTBOUND_ITEMS = 4;
const KILLS = Math.max(1, sized(3, 'RELIABILITY_CRASH_KILLS'));
const RECOVERY_MS = Number(process.env.RELIABILITY_CRASH_RECOVERY_MS ?? 60_000);
const DELIVERY_CONCURRENCY = 6;
const FIRST_REVISION = 100;
const STATE_OF = (rev: number) => (rev % 2 === 0 ? 'Done' : 'Committed');

interface Delivery {
  key: string;
  workItemId: number;
  rev: number;
  linked: boolean;
  body: string;
  answers: Array<number | string>;
}

interface Op {
  index: number;
  kind: 'comment' | 'status';
  issueId: string;
  workItemId: number;
  marker?: string;
  status?: 'resolved' | 'unresolved';
  answer?: number | string;
  /** Acknowledged deliveries before the op is sent (spreads the ops over the load). */
  after: number;
}

/** Bodies of 5xx answers, for the failure message. */
const serverErrors: string[] = [];

function status(answer: RawResponse | Error, what: string): number | string {
  // Not `instanceof Error`: node's socket errors come from outside jest's realm.
  if (typeof (answer as RawResponse).status !== 'number') {
    const error = answer as NodeJS.ErrnoException;
    return error.code ?? error.message;
  }
  const response = answer as RawResponse;
  if (response.status >= 500)
    serverErrors.push(
      `${what}: ${response.status} ${response.text.slice(0, 300)}`,
    );
  return response.status;
}

/** A timestamp column as ISO (SQLite returns milliseconds, PostgreSQL a Date). */
const iso = (value: unknown) => new Date(value as string).toISOString();

const ok = (a: number | string | undefined) =>
  typeof a === 'number' && a >= 200 && a < 300;

/** Rows claimed by a process (their `claimed_by` holds its pid). */
async function claimedBy(knex: Knex, pid: number) {
  const count = async (table: string) =>
    Number(
      (
        await knex(table)
          .where({ status: 'running' })
          .andWhere('claimed_by', 'like', `%-${pid}-%`)
          .count({ n: '*' })
      )[0].n,
    );
  return {
    inbox: await count('inbox_deliveries'),
    outbox: await count('outbox_jobs'),
  };
}

const targets: Array<[string]> = databases
  .eachSupportedId()
  .map(([id]) => [id === 'SQLITE_3' ? 'SQLITE_3 file' : id]);

describe.each(targets)('reliability: crash (%s)', label => {
  let emu: LoggedEmulator | undefined;
  let db: ProcessDatabase | undefined;

  afterAll(async () => {
    await killAllBackends();
    await emu?.close();
    await db?.close();
  });

  it(`${KILLS} × SIGKILL under ${DELIVERIES} deliveries and ${JOBS} jobs: every 2xx applied once, every job run once`, async () => {
    const started = Date.now();
    const random = rng(SEED);
    db =
      label === 'SQLITE_3 file'
        ? sqliteFileDatabase()
        : await postgresDatabase(
            await databases.init(label as TestDatabaseId),
            label,
          );
    // ADO retries a delivery for a while: long enough here to outlast a restart.
    emu = await startLoggedEmulator({
      deliveryRetryDelaysMs: [100, 250, 500, 1000, 2000, 4000, 8000, 8000],
    });
    const changes: WorkItemChange[] = [];
    emu.emulator.state.onChange(change => changes.push(change));

    const restartMs: number[] = [];
    const spawn = async (port?: number) => {
      const t0 = Date.now();
      const proc = await spawnBackend({
        name: `crash-${restartMs.length}`,
        database: db!.config,
        emulatorUrl: emu!.url,
        port,
      });
      restartMs.push(Date.now() - t0);
      return proc;
    };
    let proc: BackendProcess = await spawn();
    const port = proc.port;
    const knex = db.knex();

    // The organization (its hook pointed at the backend's port: the echoes of our own writes
    // come back through it), issues linked to work items: inbound ones get the suite's
    // deliveries, outbound ones the jobs.
    const org = await connectFabrikam(proc.harness, emu);
    await mapPaymentsStatus(proc.harness, org);
    const issueIds = await createIssues(
      proc.harness,
      LINKED + OUTBOUND_ITEMS,
      'Crash',
    );
    const workItems: number[] = [];
    for (let i = 0; i < issueIds.length; i++) {
      workItems.push(await createBug(emu, `crash ${i}`, 'New'));
      await linkIssue(
        proc.harness,
        issueIds[i],
        org.organizationId,
        workItems[i],
      );
    }
    const inbound = workItems.slice(0, LINKED);
    const issueOf = new Map(workItems.map((w, i) => [w, issueIds[i]]));
    const outboundItems = workItems.slice(LINKED);
    await emu.emulator.whenDeliveriesIdle();

    // Deliveries: half for the linked work items (increasing revisions per item), half for
    // unlinked ones; interleaved, so a work item's revisions are usually in flight together.
    const deliveries: Delivery[] = [];
    const nextRev = new Map<number, number>();
    for (let i = 0; i < DELIVERIES; i++) {
      const linked = i % 2 === 0;
      const workItemId = linked
        ? inbound[(i / 2) % inbound.length]
        : 900_000 + (((i - 1) / 2) % 40);
      const rev = (nextRev.get(workItemId) ?? FIRST_REVISION) + 1;
      nextRev.set(workItemId, rev);
      deliveries.push({
        key: `${workItemId}/${rev}`,
        workItemId,
        rev,
        linked,
        body: workItemUpdate(org, workItemId, rev, {
          from: STATE_OF(rev - 1),
          to: STATE_OF(rev),
          comment: `crash delivery ${workItemId}/${rev}`,
        }),
        answers: [],
      });
    }
    // Jobs: two comments for each status change, on the outbound work items.
    const nextStatus = new Map<string, 'resolved' | 'unresolved'>();
    const ops: Op[] = Array.from({ length: JOBS }, (_, index) => {
      const workItemId = outboundItems[index % outboundItems.length];
      const issueId = issueOf.get(workItemId)!;
      const after = Math.floor((index * DELIVERIES) / JOBS);
      if (index % 3 === 2) {
        const s =
          nextStatus.get(issueId) === 'resolved' ? 'unresolved' : 'resolved';
        nextStatus.set(issueId, s);
        return { index, kind: 'status', issueId, workItemId, status: s, after };
      }
      return {
        index,
        kind: 'comment',
        issueId,
        workItemId,
        marker: `crash comment #${String(index).padStart(6, '0')}`,
        after,
      };
    });

    const answers: Array<number | string> = [];
    let acked = 0;
    let nextDelivery = 0;
    let nextOp = 0;
    const resend: Delivery[] = [];
    const runningAtKill: Array<{ inbox: number; outbox: number }> = [];

    const post = (d: Delivery) =>
      rawRequest(port, 'POST', `${API}/webhooks/workitem`, d.body, {
        'content-type': 'application/json',
        'shared-secret': org.secret,
      }).catch((e: Error) => e);
    const callApi = (op: Op) =>
      (op.kind === 'comment'
        ? rawRequest(
            port,
            'POST',
            `${API}/issues/${op.issueId}/comments`,
            JSON.stringify({ text: op.marker }),
            { 'content-type': 'application/json', authorization: user },
          )
        : rawRequest(
            port,
            'PATCH',
            `${API}/issues/${op.issueId}`,
            JSON.stringify({ status: op.status }),
            { 'content-type': 'application/json', authorization: user },
          )
      ).catch((e: Error) => e);

    /**
     * One load phase on the current process: resends what got no 2xx, then new deliveries, with
     * the jobs spread among them; `killAfterAcks` SIGKILLs the process after that many 2xx of
     * this phase (requests in flight stay unanswered: ADO will resend them).
     */
    const phase = async (killAfterAcks?: number) => {
      let phaseAcks = 0;
      let killing: Promise<void> | undefined;
      const pending = resend.splice(0);
      const take = (): Delivery | undefined =>
        pending.shift() ??
        (nextDelivery < deliveries.length
          ? deliveries[nextDelivery++]
          : undefined);
      const deliveryWorker = async () => {
        for (;;) {
          if (killing) return;
          const d = take();
          if (!d) return;
          const answer = status(await post(d), `delivery ${d.key}`);
          d.answers.push(answer);
          answers.push(answer);
          if (ok(answer)) {
            acked++;
            phaseAcks++;
            if (killAfterAcks !== undefined && phaseAcks >= killAfterAcks)
              killing ??= proc.kill();
          } else {
            resend.push(d);
          }
        }
      };
      const opWorker = async () => {
        for (;;) {
          if (killing) return;
          const op = ops[nextOp];
          if (!op) return;
          if (op.after > acked && nextDelivery < deliveries.length) {
            await new Promise(r => setTimeout(r, 5));
            continue;
          }
          nextOp++;
          const answer = status(await callApi(op), `${op.kind} op ${op.index}`);
          op.answer = answer;
          answers.push(answer);
        }
      };
      await Promise.all([
        ...Array.from({ length: DELIVERY_CONCURRENCY }, deliveryWorker),
        opWorker(),
        opWorker(),
      ]);
      // Whatever was taken but not sent when the process died goes out again next phase.
      resend.push(...pending);
      if (killing) {
        await killing;
        runningAtKill.push(await claimedBy(knex, proc.pid));
      }
      return Boolean(killing);
    };

    // Kill points: after a fifth of the deliveries got their 2xx (twice), then a few 2xx after
    // a restart, while that process drains what the killed ones left.
    const share = Math.max(5, Math.floor(DELIVERIES / 5));
    const killPoints = Array.from({ length: KILLS }, (_, k) =>
      k % 3 === 2
        ? 3 + Math.floor(random() * 5)
        : share + Math.floor(random() * share * 0.2),
    );
    let kills = 0;
    for (const killAfter of killPoints) {
      if (await phase(killAfter)) kills++;
      proc = await spawn(port);
    }
    // The last process gets the rest and every resend until all deliveries got a 2xx.
    for (let round = 0; round < 20; round++) {
      await phase();
      if (
        resend.length === 0 &&
        nextDelivery >= deliveries.length &&
        !ops[nextOp]
      )
        break;
    }
    const loadEnded = Date.now();

    // Settled: no open delivery or job, and no ADO delivery (echo) still on its way.
    const dispatched = emu.emulator.dispatcher.log;
    const open = async () => {
      const inbox = await knex('inbox_deliveries')
        .whereIn('status', ['pending', 'running'])
        .count({ n: '*' });
      const outbox = await knex('outbox_jobs')
        .whereIn('status', ['pending', 'running'])
        .count({ n: '*' });
      return (
        Number(inbox[0].n) +
        Number(outbox[0].n) +
        dispatched.filter(r => r.status === 'pending').length
      );
    };
    const deadline = Date.now() + RECOVERY_MS;
    while ((await open()) > 0 && Date.now() < deadline)
      await new Promise(r => setTimeout(r, 200));
    const recoveryMs = Date.now() - loadEnded;

    const rows: any[] = await knex('inbox_deliveries')
      .where({ organization_id: org.organizationId })
      .select(
        'work_item_id',
        'revision',
        'status',
        'attempts',
        'claimed_by',
        'claimed_at',
      );
    const rowOf = new Map(
      rows.map(r => [`${Number(r.work_item_id)}/${Number(r.revision)}`, r]),
    );
    const stuck = rows.filter(r => ['pending', 'running'].includes(r.status));
    // ADO's own deliveries (echoes of the jobs' writes) that got a 2xx are stored too.
    const adoAcked = dispatched.filter(r => r.status === 'succeeded');
    const adoLost = adoAcked
      .filter(r => !rowOf.has(`${r.workItemId}/${r.rev}`))
      .map(r => `ADO delivery ${r.eventType} ${r.workItemId}/${r.rev}`);
    const ackedDeliveries = deliveries.filter(d => d.answers.some(ok));
    const lost = ackedDeliveries.filter(d => !rowOf.has(d.key));
    const wrongEnd = deliveries
      .filter(d => rowOf.has(d.key) && !stuck.includes(rowOf.get(d.key)))
      .filter(
        d => rowOf.get(d.key).status !== (d.linked ? 'applied' : 'skipped'),
      )
      .map(d => `${d.key} ${rowOf.get(d.key).status}`);

    // Applied once: one comment activity per linked delivery, one status activity at most.
    const activity: any[] = await knex('issue_activity')
      .whereIn(
        'issue_id',
        inbound.map(w => issueOf.get(w)!),
      )
      .andWhere({ source_kind: 'azure-devops' })
      .select('issue_id', 'type', 'source_revision');
    const perKey = new Map<string, number>();
    for (const a of activity) {
      const k = `${a.issue_id}/${a.type}/${a.source_revision}`;
      perKey.set(k, (perKey.get(k) ?? 0) + 1);
    }
    const appliedTwice = [...perKey]
      .filter(([, n]) => n > 1)
      .map(([k, n]) => `${k} ×${n}`);
    const linkedDeliveries = deliveries.filter(
      d => d.linked && rowOf.has(d.key),
    );
    // (Open rows are reported as such; these checks look at what settled.)
    const missingComment = linkedDeliveries.filter(
      d =>
        rowOf.get(d.key).status === 'applied' &&
        !perKey.has(`${issueOf.get(d.workItemId)}/comment/${d.rev}`),
    );
    const wrongStatus: string[] = [];
    for (const w of inbound) {
      if (stuck.some(r => Number(r.work_item_id) === w)) continue;
      const last = Math.max(
        ...deliveries
          .filter(d => d.workItemId === w && rowOf.has(d.key))
          .map(d => d.rev),
      );
      const issue = await knex('issues')
        .where({ id: issueOf.get(w) })
        .first('status');
      const want = STATE_OF(last) === 'Done' ? 'resolved' : 'unresolved';
      if (issue.status !== want)
        wrongStatus.push(`#${w} rev ${last}: ${issue.status}, want ${want}`);
    }

    // Jobs: each queued one finished; comments in the emulator once; status without extra writes.
    const jobs: any[] = await knex('outbox_jobs')
      .whereIn(
        'issue_id',
        outboundItems.map(w => issueOf.get(w)!),
      )
      .select(
        'id',
        'kind',
        'status',
        'attempts',
        'payload',
        'work_item_id',
        'outcome',
        'last_error',
        'claimed_by',
        'claimed_at',
      );
    const fabrikam = emu.emulator.state.org('fabrikam')!;
    const commentsWith = (marker: string) =>
      outboundItems
        .flatMap(w => fabrikam.workItems.get(w)!.comments)
        .filter(c => c.text.includes(`${marker}<`)).length;
    const jobsWith = (marker: string) =>
      jobs.filter(
        j => j.kind === 'comment' && JSON.parse(j.payload).text === marker,
      );
    const commentOps = ops.filter(
      o => o.kind === 'comment' && o.answer !== undefined,
    );
    const jobProblems: string[] = [];
    let commentsTwice = 0;
    for (const op of commentOps) {
      const queued = jobsWith(op.marker!);
      const inAdo = commentsWith(op.marker!);
      if (ok(op.answer) && queued.length !== 1)
        jobProblems.push(
          `${op.marker}: answered ${op.answer}, ${queued.length} jobs`,
        );
      const settled = queued.every(j => ['done', 'skipped'].includes(j.status));
      if (inAdo > queued.length || (settled && inAdo !== queued.length))
        jobProblems.push(
          `${op.marker}: ${queued.length} job(s), ${inAdo} comment(s) in ADO`,
        );
      if (inAdo > 1) commentsTwice++;
    }
    const unfinished = jobs.filter(
      j => !['done', 'skipped'].includes(j.status),
    );
    for (const w of outboundItems) {
      const statusJobs = jobs.filter(
        j => j.kind === 'status' && Number(j.work_item_id) === w,
      );
      if (statusJobs.length === 0) continue;
      const settled = statusJobs.every(j =>
        ['done', 'skipped'].includes(j.status),
      );
      const writes = changes.filter(
        c =>
          c.after.id === w &&
          c.before &&
          c.before.fields['System.State'] !== c.after.fields['System.State'],
      ).length;
      const issue = await knex('issues')
        .where({ id: issueOf.get(w) })
        .first('status');
      // On the issue's side of done: an unresolve leaves a New item New (it already agrees).
      const state = fabrikam.workItems.get(w)!.fields['System.State'];
      const agrees = (state === 'Done') === (issue.status === 'resolved');
      if (settled && !agrees)
        jobProblems.push(`#${w}: ADO state ${state}, issue ${issue.status}`);
      if (writes > statusJobs.length)
        jobProblems.push(
          `#${w}: ${writes} state writes for ${statusJobs.length} status jobs`,
        );
    }
    const server5xx = answers.filter(a => typeof a === 'number' && a >= 500);
    const apiErrors = ops.filter(
      o => typeof o.answer === 'number' && !ok(o.answer),
    );

    report(`crash (${label})`, {
      kills,
      deliveries: DELIVERIES,
      sent: deliveries.reduce((n, d) => n + d.answers.length, 0),
      acked: ackedDeliveries.length,
      unanswered: answers.filter(a => typeof a === 'string').length,
      stored: rows.length,
      applied: rows.filter(r => r.status === 'applied').length,
      skipped: rows.filter(r => r.status === 'skipped').length,
      failed: rows.filter(r => r.status === 'failed').length,
      open: stuck.length,
      lost: lost.length + adoLost.length,
      adoDeliveries: `${adoAcked.length}/${dispatched.length}`,
      appliedTwice: appliedTwice.length,
      maxAttempts: Math.max(0, ...rows.map(r => Number(r.attempts))),
      runningAtKill: runningAtKill.map(r => `${r.inbox}+${r.outbox}`).join(','),
      jobs: jobs.length,
      jobsDone: jobs.filter(j => j.status === 'done').length,
      jobsOpen: unfinished.length,
      commentsTwice,
      jobProblems: jobProblems.length,
      answered5xx: server5xx.length,
      startMs: restartMs.join(','),
      recoveryMs,
      wallMs: Date.now() - started,
    });

    // Every problem at once, so one run tells them all.
    expect({
      kills,
      lastProcessAlive: proc.alive() ? 'yes' : proc.output(),
      // The running ones, and how many wait behind them.
      notSettled: [
        ...stuck
          .filter(r => r.status === 'running')
          .map(
            r =>
              `delivery ${r.work_item_id}/${r.revision} running, claimed by ${
                r.claimed_by
              } at ${iso(r.claimed_at)}`,
          ),
        ...unfinished
          .filter(j => j.status === 'running')
          .map(
            j =>
              `job ${j.kind} #${j.work_item_id} running, claimed by ${
                j.claimed_by
              } at ${iso(j.claimed_at)}`,
          ),
        ...(stuck.some(r => r.status !== 'running') ||
        unfinished.some(j => j.status !== 'running')
          ? [
              `${
                stuck.filter(r => r.status !== 'running').length
              } deliveries and ${
                unfinished.filter(j => j.status !== 'running').length
              } jobs pending`,
            ]
          : []),
      ],
      answered5xx: serverErrors,
      apiRefused: apiErrors.map(o => `${o.kind} op ${o.index}: ${o.answer}`),
      lost: [...lost.map(d => d.key), ...adoLost],
      neverAcknowledged: deliveries
        .filter(d => !d.answers.some(ok))
        .map(d => d.key),
      wrongEnd,
      appliedTwice,
      missingComment: missingComment.map(d => d.key),
      wrongStatus,
      jobProblems,
    }).toEqual({
      kills: KILLS,
      lastProcessAlive: 'yes',
      notSettled: [],
      answered5xx: [],
      apiRefused: [],
      lost: [],
      neverAcknowledged: [],
      wrongEnd: [],
      appliedTwice: [],
      missingComment: [],
      wrongStatus: [],
      jobProblems: [],
    });
  });
});
