import fc from 'fast-check';
import { Knex } from 'knex';
import { setupServer } from 'msw/node';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import { toIso } from '../database/tables';
import {
  CapturedDelivery,
  DeliveryProxy,
  recordRevisions,
  RevisionRecord,
  startDeliveryProxy,
  WorkItemGate,
} from './__testUtils__/convergence';
import {
  API,
  connectFabrikam,
  ConnectedOrg,
  createIssues,
  linkIssue,
  LoggedEmulator,
  printReportAfterAll,
  ReliabilityBackend,
  report,
  sized,
  startBackend,
  startLoggedEmulator,
  user,
} from './__testUtils__/harness';

/**
 * Convergence, model-based. fast-check drives random sequences of portal actions (resolve,
 * unresolve, assign, comment through the HTTP API), ADO edits (state, assignee, in the emulator)
 * and delivery control: service hook deliveries held, released one at a time out of order or
 * all together (in order, reversed, shuffled), posted twice; the plugin's work item reads or
 * writes held at ADO (so a job reads a revision that an ADO edit then replaces) and its retry
 * backoff fast-forwarded. After every command the unheld machinery settles, so a run is
 * deterministic and fast-check can shrink a failure to a minimal sequence; after the last one
 * everything is drained (deliveries released, gate opened, retries due, queues empty).
 *
 * The change made later wins. The model follows the product's contract on both sides:
 *   - outbound, a status or assignee job is judged when it runs, after it reads the work item:
 *     skipped when the issue no longer holds its value (a later portal change, or a later ADO
 *     change already applied); skipped when ADO holds a value for the field that is neither the
 *     one of the last applied revision (kept on the link) nor explained by our own writes since,
 *     and the work item changed (System.ChangedDate) after the job was made (for a status job,
 *     only when ADO's state is across the done boundary from the last applied one: New → Active
 *     or Resolved → Closed does not stop the portal's write); skipped when ADO already holds
 *     the target or a state on its side of done (remembered for the revision read as a write
 *     of ours: the issue holds it);
 *     else written with a `test /rev`, re-judged after a 409.
 *     Comments are always written, once;
 *   - inbound, revisions are applied in order per work item: a revision at or below the last
 *     applied one changes no status or assignee; the echo of our write (its revision recorded as
 *     ours and its values the ones we wrote) changes nothing for the fields we wrote, but its
 *     snapshot's other fields are applied when they differ from the last applied values; a
 *     foreign change to a field a later write of ours replaced is not applied; a field's value
 *     before the revision is what our latest write since the last applied revision set, else
 *     the last applied value; status moves only across the done boundary from that value,
 *     assignee to the value at the revision.
 * The model predicts the work item (revisions, state, assignee, comments) and the issue after
 * every command and checks both. Rule 2's "after" is judged with the product's own clocks (the
 * job's stored creation time, the emulator's ChangedDate), as the product does; where those
 * disagree with the real order of events, the run counts a clock misjudgement (a failure with
 * RELIABILITY_CONVERGENCE_STRICT_CLOCK=1 and in the fixed sequences). It also counts, without
 * failing, where rule 2 does not follow the real order of the field's own changes
 * (olderChangeWon, laterChangeOverwritten in the report), and, by design, where a status job
 * was written over a later ADO state on the same side of done (notCrossingOverwritten). After
 * quiescence:
 *   - ADO holds what the model says, and the issue what the model says;
 *   - both sides agree: the issue is resolved exactly when the work item is in a done state
 *     (Resolved, Closed: the Agile defaults), assigned to the catalog user of the work item's
 *     assignee;
 *   - nothing applied twice: at most one activity per issue, type and ADO revision, and none of
 *     our own comments comes back as an ADO comment;
 *   - none of the reference's flips (reference-flow.md §5 table, §9 #2): every status change
 *     taken from ADO at revision R matches the work item's state at R, and the work item crossed
 *     the done boundary since the previous one (so New → Active never reopens, Resolved → Closed
 *     never reopens or re-resolves); every assignee change taken from ADO at R matches R.
 *
 * Size: RELIABILITY_CONVERGENCE_RUNS runs (default 40 × RELIABILITY_SCALE) of up to
 * RELIABILITY_CONVERGENCE_COMMANDS commands (default 30) over 2 linked pairs. Shrinking gets
 * RELIABILITY_CONVERGENCE_SHRINK_MS (default 20 s) after the first failure. Replay the smallest
 * failure with the RELIABILITY_SEED, RELIABILITY_CONVERGENCE_PATH and RELIABILITY_CONVERGENCE_REPLAY
 * the failure prints.
 */
jest.setTimeout(1_800_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
printReportAfterAll();

const RUNS = sized(40, 'RELIABILITY_CONVERGENCE_RUNS');
/** Commands are not scaled: RELIABILITY_SCALE makes more runs, not longer ones. */
const MAX_COMMANDS = Number(process.env.RELIABILITY_CONVERGENCE_COMMANDS) || 30;
/** Shrinking time after the first failure; later candidates count as passing, unrun. */
const SHRINK_MS =
  Number(process.env.RELIABILITY_CONVERGENCE_SHRINK_MS) || 20_000;
const SEED = process.env.RELIABILITY_SEED
  ? Number(process.env.RELIABILITY_SEED)
  : Date.now() % 1e9;
const PATH = process.env.RELIABILITY_CONVERGENCE_PATH;
/** fast-check's record of which generated commands ran, needed to replay a path. */
const REPLAY = process.env.RELIABILITY_CONVERGENCE_REPLAY;
/** A clock misjudgement fails the property too (it always fails a fixed sequence). */
const STRICT_CLOCK = process.env.RELIABILITY_CONVERGENCE_STRICT_CLOCK === '1';
const PAIRS = 2;

// The Agile Bug of Fabrikam-Fiber: the reference's own fixture states.
const PROJECT = 'Fabrikam-Fiber';
const STATES = ['New', 'Active', 'Resolved', 'Closed'] as const;
const DONE = new Set(['Resolved', 'Closed']);
const ON_RESOLVE = 'Resolved';
const ON_UNRESOLVE = 'Active';
const ADO_EDITOR = 'carol@example.com';
const SERVICE = 'backstage-sync@example.com';
/** Users in both the catalog and ADO. */
const USERS: Record<string, string> = {
  'alice@example.com': 'user:default/alice',
  'bob@example.com': 'user:default/bob',
};
const EMAILS = Object.keys(USERS);

// ---- the model ----------------------------------------------------------------------------

type Status = 'resolved' | 'unresolved';
type JobKind = 'status' | 'assignee' | 'comment';
type SyncedField = 'state' | 'assignee';
const SYNCED: SyncedField[] = ['state', 'assignee'];

/** What one write of ours set (`written_revisions`, recorded before the PATCH). */
interface Written {
  state?: string;
  assignee?: string | null;
  comment?: true;
}

/** One revision of a work item. */
interface ModelRevision {
  rev: number;
  state: string;
  assignee: string | null;
  /** Synced fields this revision changed. */
  changed: Set<SyncedField>;
  comment: boolean;
  ours: boolean;
  /** System.ChangedDate (ms): the emulator's once the command is over, provisional before. */
  changedAt: number;
  provisional: boolean;
  /** Position in the real order of events of the run (revisions, jobs made). */
  order: number;
}

interface ModelPair {
  /** The work item in ADO. */
  rev: number;
  state: string;
  assignee: string | null;
  /** Our comments, as landed. */
  comments: string[];
  revisions: Map<number, ModelRevision>;
  /** Revision → what we wrote there; a held write's expected revision included. */
  written: Map<number, Written>;
  /** Written revisions only expected by a held PATCH, not yet confirmed by ADO's answer. */
  unconfirmed: Set<number>;
  /** The link: the last applied revision and the work item's values there. */
  link: { state: string; assignee: string | null; applied: number };
  /** The issue in the portal (assignee as an e-mail). */
  issue: { status: Status; assignee: string | null };
}

interface ModelJob {
  pair: number;
  kind: JobKind;
  /** status: the issue status; assignee: an e-mail or null; comment: the text. */
  value: string | null;
  /** The job's creation time as the product reads it (ms). */
  createdAt: number;
  order: number;
  /** Lost a `test /rev` race: waits for its retry (AdvanceTime or the final drain). */
  deferred: boolean;
  /** Revision of the work item the job read before its write was held. */
  readRev?: number;
}

interface Model {
  pairs: ModelPair[];
  /** Outbound jobs not finished, in queue order. */
  jobs: ModelJob[];
  /** The job whose PATCH the gate holds (gate `writes`). */
  inFlight: ModelJob | null;
  gate: 'open' | 'reads' | 'writes';
  holding: boolean;
  /** Deliveries the proxy holds. */
  held: Array<{ pair: number; rev: number }>;
  /** Events so far (the real order). */
  order: number;
  comments: number;
  /** Jobs judged "changed in ADO after the job" by the clocks but not by the real order. */
  misjudged: string[];
  superseded: { byIssue: number; byAdo: number };
  /**
   * Where rule 2, as specified, does not follow the real order of the field's changes (not a
   * failure): a job dropped for an ADO change to its field made before it, because a later
   * revision changed something else (ChangedDate is the work item's, not the field's); a job
   * written over a later ADO change, because an older write of ours set the same value.
   */
  gaps: {
    olderChangeWon: string[];
    laterChangeOverwritten: string[];
    /** By design: a status job written over a later ADO state on the same side of done. */
    notCrossingOverwritten: string[];
  };
}

const valueOf = (
  x: { state: string; assignee: string | null },
  field: SyncedField,
): string | null => (field === 'state' ? x.state : x.assignee);

const fieldOf = (kind: JobKind): SyncedField =>
  kind === 'status' ? 'state' : 'assignee';

/** What the job writes: the status mapped to a state (on_resolve / on_unresolve). */
function writtenBy(job: ModelJob): Written {
  if (job.kind === 'status')
    return { state: job.value === 'resolved' ? ON_RESOLVE : ON_UNRESOLVE };
  if (job.kind === 'assignee') return { assignee: job.value };
  return { comment: true };
}

/**
 * A synced field's value before revision `rev`, as the inbox takes it: what our latest write
 * between the last applied revision and `rev` set (not applied yet, but the issue holds it),
 * else the value at the last applied revision (the link).
 */
function baseline(p: ModelPair, field: SyncedField, rev: number) {
  const between = [...p.written]
    .filter(
      ([w, fields]) =>
        !p.unconfirmed.has(w) &&
        w > p.link.applied &&
        w < rev &&
        field in fields,
    )
    .sort(([a], [b]) => b - a);
  if (between.length > 0) return between[0][1][field] as string | null;
  return valueOf(p.link, field);
}

/**
 * The inbox applies revision `rev` of the pair's work item (InboxProcessor.apply): revisions at
 * or below the last applied one change nothing; our echo's fields are skipped, so are fields a
 * later write of ours replaced; the rest is judged from the value before the revision (our
 * latest write since the last applied revision, else the last applied value).
 */
function deliver(m: Model, pair: number, rev: number) {
  const p = m.pairs[pair];
  const r = p.revisions.get(rev)!;
  const mine = p.written.get(rev);
  const echo =
    mine !== undefined &&
    Object.keys(mine).length > 0 &&
    Object.entries(mine).every(([field, value]) =>
      field === 'comment'
        ? r.comment
        : valueOf(r, field as SyncedField) === value,
    );
  const ours = new Set(echo ? Object.keys(mine!) : []);
  const overwritten = new Set<string>();
  for (const [w, fields] of p.written) {
    if (w > rev && !p.unconfirmed.has(w))
      Object.keys(fields).forEach(f => overwritten.add(f));
  }
  if (rev <= p.link.applied) return;
  for (const field of SYNCED) {
    if (ours.has(field) || overwritten.has(field)) continue;
    const last = baseline(p, field, rev);
    const now = valueOf(r, field);
    if (!r.changed.has(field) && last === now) continue;
    if (field === 'assignee') {
      p.issue.assignee = now;
    } else {
      const wasDone = last !== null && DONE.has(last);
      const isDone = now !== null && DONE.has(now);
      if (!wasDone && isDone) p.issue.status = 'resolved';
      if (wasDone && !isDone) p.issue.status = 'unresolved';
    }
  }
  p.link = { state: r.state, assignee: r.assignee, applied: rev };
}

/** A new revision of the pair's work item, delivered now or held. */
function revise(
  m: Model,
  pair: number,
  change: { state?: string; assignee?: string | null; comment?: string },
  options: { ours?: Written; changedAt?: number },
) {
  const p = m.pairs[pair];
  const changed = new Set<SyncedField>();
  if (change.state !== undefined && change.state !== p.state) {
    p.state = change.state;
    changed.add('state');
  }
  if (change.assignee !== undefined && change.assignee !== p.assignee) {
    p.assignee = change.assignee;
    changed.add('assignee');
  }
  if (change.comment !== undefined) p.comments.push(change.comment);
  p.rev++;
  p.revisions.set(p.rev, {
    rev: p.rev,
    state: p.state,
    assignee: p.assignee,
    changed,
    comment: change.comment !== undefined,
    ours: options.ours !== undefined,
    changedAt: options.changedAt ?? Date.now(),
    provisional: options.changedAt === undefined,
    order: ++m.order,
  });
  if (options.ours) {
    p.written.set(p.rev, options.ours);
    p.unconfirmed.delete(p.rev);
  }
  if (m.holding) m.held.push({ pair, rev: p.rev });
  else deliver(m, pair, p.rev);
}

/** The job's write lands as the work item's next revision. */
function land(m: Model, job: ModelJob) {
  const ours = writtenBy(job);
  const change =
    job.kind === 'comment'
      ? { comment: job.value! }
      : { state: ours.state, assignee: ours.assignee };
  revise(m, job.pair, change, { ours });
}

function finish(m: Model, job: ModelJob) {
  m.jobs.splice(m.jobs.indexOf(job), 1);
}

/**
 * Whether the job writes, judged as OutboxWorker.execute does after it reads the work item:
 * superseded by the issue, superseded by a later ADO change, already there, else write.
 */
function judge(m: Model, job: ModelJob): boolean {
  if (job.kind === 'comment') return true;
  const p = m.pairs[job.pair];
  const field = fieldOf(job.kind);
  const issueValue = job.kind === 'status' ? p.issue.status : p.issue.assignee;
  if (issueValue !== job.value) {
    m.superseded.byIssue++;
    return false;
  }
  const inAdo = valueOf(p, field);
  const fieldRev = [...p.revisions.values()]
    .filter(r => r.changed.has(field))
    .pop();
  const what = `pair ${job.pair}: the ${job.kind} job (${
    job.value ?? 'unassign'
  })`;
  let explainedByUs = false;
  const lastApplied = valueOf(p.link, field);
  // A status job is only superseded by an ADO change across the done boundary (from the last
  // applied state): one that does not cross it changes no status when delivered.
  const crosses =
    field !== 'state' || DONE.has(inAdo ?? '') !== DONE.has(lastApplied ?? '');
  if (inAdo !== lastApplied && !crosses) {
    const fieldChange = fieldRev && !fieldRev.ours ? fieldRev : undefined;
    if (
      fieldChange &&
      fieldChange.order > job.order &&
      inAdo !== writtenBy(job)[field]
    ) {
      m.gaps.notCrossingOverwritten.push(
        `${what} was written over ADO's ${field} ${inAdo} of rev ${fieldChange.rev}, made after it (it does not cross the done boundary from ${lastApplied})`,
      );
    }
  }
  if (inAdo !== lastApplied && crosses) {
    const explained = [...p.written].some(
      ([w, fields]) =>
        w > p.link.applied && field in fields && fields[field] === inAdo,
    );
    const latest = p.revisions.get(p.rev)!;
    const later = latest.order > job.order;
    // Our own landing: its ChangedDate is after every job already made.
    const laterByClock = latest.provisional
      ? later
      : latest.changedAt > job.createdAt;
    if (!explained && laterByClock !== later) {
      m.misjudged.push(
        `pair ${job.pair}: the ${job.kind} job (${
          job.value ?? 'unassign'
        }, made ${new Date(job.createdAt).toISOString()}) was judged ${
          laterByClock ? 'older' : 'newer'
        } than ADO's rev ${latest.rev} (ChangedDate ${new Date(
          latest.changedAt,
        ).toISOString()}), made ${later ? 'after' : 'before'} it`,
      );
    }
    if (!explained && laterByClock) {
      m.superseded.byAdo++;
      if (later && fieldRev && fieldRev.order < job.order) {
        m.gaps.olderChangeWon.push(
          `${what} was dropped for ADO's ${field} of rev ${fieldRev.rev}, made before it (rev ${latest.rev} changed something else)`,
        );
      }
      return false;
    }
    explainedByUs = explained;
  }
  const target = writtenBy(job)[field];
  // A state on the target's side of done already agrees with the issue (Closed for a resolve).
  const write =
    field === 'state'
      ? DONE.has(inAdo ?? '') !== DONE.has(target ?? '')
      : inAdo !== target;
  if (!write && p.rev > p.link.applied) {
    // Already there: remembered for the revision read as if ours (the issue holds it).
    p.written.set(p.rev, { ...p.written.get(p.rev), [field]: inAdo });
  }
  if (write && explainedByUs && fieldRev && !fieldRev.ours) {
    if (fieldRev.order > job.order) {
      m.gaps.laterChangeOverwritten.push(
        `${what} was written over ADO's ${field} of rev ${fieldRev.rev}, made after it (an older write of ours set the same value)`,
      );
    }
  }
  return write;
}

/** The held write goes on: it lands, or fails its `test /rev` if ADO changed since its read. */
function openGate(m: Model) {
  m.gate = 'open';
  const job = m.inFlight;
  m.inFlight = null;
  if (!job) return;
  const p = m.pairs[job.pair];
  if (p.rev !== job.readRev) {
    // The 409: the revision recorded as ours is forgotten, the job retried later.
    p.written.delete(job.readRev! + 1);
    p.unconfirmed.delete(job.readRev! + 1);
    job.deferred = true;
  } else {
    land(m, job);
    finish(m, job);
  }
}

/**
 * What the outbox does, as the product runs it: one runner claims a batch of jobs that are
 * first in line for their work item (a deferred job keeps the later ones of its item waiting),
 * runs them one by one (read the item, judge, write), and claims again. With the gate on `reads`
 * every job waits before its read; on `writes` the first job that has to write waits with its
 * read done and its revision recorded as ours.
 */
function pump(m: Model) {
  if (m.gate === 'reads' || m.inFlight) return;
  for (;;) {
    const seen = new Set<number>();
    const batch: ModelJob[] = [];
    for (const job of m.jobs) {
      if (seen.has(job.pair)) continue;
      seen.add(job.pair);
      if (!job.deferred) batch.push(job);
    }
    if (batch.length === 0) return;
    for (const job of batch) {
      if (!judge(m, job)) {
        finish(m, job);
        continue;
      }
      if (m.gate === 'writes') {
        const p = m.pairs[job.pair];
        job.readRev = p.rev;
        p.written.set(p.rev + 1, writtenBy(job));
        p.unconfirmed.add(p.rev + 1);
        m.inFlight = job;
        return;
      }
      land(m, job);
      finish(m, job);
    }
  }
}

// ---- the real system ----------------------------------------------------------------------

interface Env {
  knex: Knex;
  emu: LoggedEmulator;
  backend: ReliabilityBackend;
  proxy: DeliveryProxy;
  gate: WorkItemGate;
  org: ConnectedOrg;
  history: Map<number, RevisionRecord[]>;
  /** Sweeps in flight (a sweep waits for a held job; never await one then). */
  sweeping: Promise<void> | undefined;
}

interface Pair {
  issueId: string;
  workItemId: number;
  /** The work item's revision when it was linked. */
  linkRev: number;
}

interface Real {
  env: Env;
  pairs: Pair[];
  tag: string;
  /** Deliveries of this run, as captured (index into proxy.captured). */
  firstCaptured: number;
  log: string[];
  /** A clock misjudgement fails the run. */
  strictClock: boolean;
}

const stats = {
  runs: 0,
  commands: 0,
  failedRuns: 0,
  releasedOutOfOrder: 0,
  duplicatesPosted: 0,
  gateHolds: 0,
  conflicts: 0,
  supersededByIssue: 0,
  supersededByAdo: 0,
  clockMisjudged: 0,
  olderChangeWon: 0,
  laterChangeOverwritten: 0,
  notCrossingOverwritten: 0,
  shrinkSkipped: 0,
};

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function sweep(env: Env) {
  if (env.sweeping) return;
  env.sweeping = env.backend
    .sweep()
    .catch(() => undefined)
    .finally(() => {
      env.sweeping = undefined;
    });
}

async function count(
  knex: Knex,
  table: string,
  where: (q: Knex.QueryBuilder) => void,
): Promise<number> {
  const q = knex(table);
  where(q);
  const rows = await q.count({ n: '*' });
  return Number(rows[0].n);
}

/**
 * Waits until nothing unheld is moving: no hook delivery queued or in flight, no inbox delivery
 * open, and the outbox idle or stuck at the gate. Jobs waiting for a retry are pushed far into
 * the future: time only passes when the model says so (AdvanceTime).
 */
async function settle(env: Env) {
  const { knex, emu, gate, proxy } = env;
  const deadline = Date.now() + 15_000;
  let stable = 0;
  for (;;) {
    await emu.emulator.whenDeliveriesIdle();
    const now = new Date();
    const hooks = emu.emulator.dispatcher.log.some(d => d.status === 'pending');
    const inbox = await count(knex, 'inbox_deliveries', q =>
      q.whereIn('status', ['pending', 'running']),
    );
    const inboxRetries = await count(knex, 'inbox_deliveries', q =>
      q.where('status', 'pending').andWhere('attempts', '>', 0),
    );
    if (inboxRetries > 0) {
      await knex('inbox_deliveries')
        .where('status', 'pending')
        .update({ next_attempt_at: new Date(Date.now() - 1000) });
      sweep(env);
    }
    const outbox = gate.waiting > 0 ? 0 : await runnableJobs(knex, now);
    const passing = gate.inflight - gate.waiting;
    if (
      !hooks &&
      inbox === 0 &&
      outbox === 0 &&
      passing === 0 &&
      proxy.inflight === 0
    ) {
      if (++stable >= 2) break;
    } else {
      stable = 0;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `the sync did not settle: hooks=${hooks} inbox=${inbox} outbox=${outbox} passing=${passing} held=${gate.waiting}`,
      );
    }
    await sleep(stable > 0 ? 5 : 10);
  }
  const retries = await knex('outbox_jobs')
    .where('status', 'pending')
    .andWhere('attempts', '>', 0)
    .andWhere('next_attempt_at', '<', new Date(Date.now() + 1_800_000))
    .update({ next_attempt_at: new Date(Date.now() + 3_600_000) });
  stats.conflicts += retries;
}

/** Outbox jobs running, or due and first in line for their work item. */
async function runnableJobs(knex: Knex, now: Date): Promise<number> {
  const rows = await knex('outbox_jobs as q')
    .where('q.status', 'running')
    .orWhere(w =>
      w
        .where('q.status', 'pending')
        .andWhere('q.next_attempt_at', '<=', now)
        .whereNotExists(
          knex('outbox_jobs as e')
            .select(knex.raw('1'))
            .whereRaw('e.organization_id = q.organization_id')
            .andWhereRaw('e.work_item_id = q.work_item_id')
            .andWhereRaw('e.seq < q.seq')
            .whereIn('e.status', ['pending', 'running']),
        ),
    )
    .count({ n: '*' });
  return Number(rows[0].n);
}

function realPair(env: Env, workItemId: number) {
  return env.emu.emulator.state.org('fabrikam')!.workItems.get(workItemId)!;
}

function realAssignee(value: unknown): string | null {
  return value ? String(value).toLowerCase() : null;
}

/** Once a command is over, our revisions get the ChangedDate ADO gave them. */
function learnChangedDates(m: Model, r: Real) {
  r.pairs.forEach((p, i) => {
    const history = r.env.history.get(p.workItemId) ?? [];
    for (const rev of m.pairs[i].revisions.values()) {
      if (!rev.provisional) continue;
      const real = history.find(h => h.rev === rev.rev);
      if (!real) continue;
      rev.changedAt = real.changedAt;
      rev.provisional = false;
    }
  });
}

/** ADO and the issue must hold what the model says, after every command. */
async function checkSides(m: Model, r: Real) {
  learnChangedDates(m, r);
  const problems: string[] = [];
  const issues = new Map<string, { status: string; assignee: string | null }>(
    (
      await r.env
        .knex('issues')
        .whereIn(
          'id',
          r.pairs.map(p => p.issueId),
        )
        .select('id', 'status', 'assignee')
    ).map(row => [row.id, row]),
  );
  for (const [i, p] of r.pairs.entries()) {
    const wi = realPair(r.env, p.workItemId);
    const want = m.pairs[i];
    const state = String(wi.fields['System.State']);
    const assignee = realAssignee(wi.fields['System.AssignedTo']);
    const comments = wi.comments
      .map(c => c.text)
      .filter(t => t.includes(`[${r.tag}:`));
    const wantComments = want.comments.map(
      t => `<blockquote>${t}</blockquote>`,
    );
    if (
      wi.rev !== want.rev ||
      state !== want.state ||
      assignee !== want.assignee ||
      comments.length !== wantComments.length ||
      wantComments.some((t, k) => !comments[k]?.includes(t))
    ) {
      problems.push(
        `pair ${i} (#${p.workItemId}): ADO has ${JSON.stringify({
          rev: wi.rev,
          state,
          assignee,
          comments: comments.length,
        })}, the model ${JSON.stringify({
          rev: want.rev,
          state: want.state,
          assignee: want.assignee,
          comments: wantComments.length,
        })}`,
      );
    }
    const issue = issues.get(p.issueId)!;
    if (
      issue.status !== want.issue.status ||
      (issue.assignee ?? null) !== userOf(want.issue.assignee)
    ) {
      problems.push(
        `pair ${i}: the issue is ${JSON.stringify({
          status: issue.status,
          assignee: issue.assignee ?? null,
        })}, the model ${JSON.stringify({
          status: want.issue.status,
          assignee: userOf(want.issue.assignee),
        })}`,
      );
    }
  }
  const held = (items: Array<{ pair: number; rev: number }>) =>
    items
      .map(h => `${h.pair}@${h.rev}`)
      .sort()
      .join(' ');
  const realHeld = r.env.proxy.held
    .map(item => ({ pair: pairOf(r, item), rev: item.rev }))
    .filter(h => h.pair >= 0);
  if (held(realHeld) !== held(m.held)) {
    problems.push(
      `held deliveries: ${held(realHeld) || 'none'}, the model ${
        held(m.held) || 'none'
      }`,
    );
  }
  if (problems.length > 0) {
    throw new Error(
      `the real system differs from the model:\n${problems.join('\n')}`,
    );
  }
}

/** The pair a delivery is for (-1: another run's). */
function pairOf(r: Real, item: CapturedDelivery): number {
  return r.pairs.findIndex(p => p.workItemId === item.workItemId);
}

async function issueRow(env: Env, issueId: string) {
  return env.knex('issues').where({ id: issueId }).first();
}

async function step(
  m: Model,
  r: Real,
  what: string,
  body: () => Promise<void>,
) {
  stats.commands++;
  r.log.push(what);
  await body();
  await settle(r.env);
  await checkSides(m, r);
}

// ---- commands -----------------------------------------------------------------------------

/** The job a portal change made, with its creation time as the product reads it; it runs. */
async function newJob(
  m: Model,
  r: Real,
  pair: number,
  kind: JobKind,
  value: string | null,
) {
  const row = await r.env
    .knex('outbox_jobs')
    .where({ issue_id: r.pairs[pair].issueId, kind })
    .orderBy('seq', 'desc')
    .first();
  if (!row) throw new Error(`no ${kind} job was made for pair ${pair}`);
  m.jobs.push({
    pair,
    kind,
    value,
    createdAt: Date.parse(toIso(row.created_at)!),
    order: ++m.order,
    deferred: false,
  });
  pump(m);
}

/** The work item's System.ChangedDate now (ms). */
function changedDate(r: Real, pair: number): number {
  return Date.parse(
    String(
      realPair(r.env, r.pairs[pair].workItemId).fields['System.ChangedDate'],
    ),
  );
}

class PortalStatus implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly pair: number,
    readonly status: 'resolved' | 'unresolved',
  ) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      const p = r.pairs[this.pair];
      const issue = m.pairs[this.pair].issue;
      const before = issue.status;
      const res = await r.env.backend.api
        .patch(`${API}/issues/${p.issueId}`)
        .set('Authorization', user)
        .send({ status: this.status });
      if (res.status !== 200)
        throw new Error(`PATCH status: ${res.status} ${res.text}`);
      issue.status = this.status;
      if (before !== this.status) {
        await newJob(m, r, this.pair, 'status', this.status);
      }
    });
  }
  toString() {
    return `portal ${this.status === 'resolved' ? 'resolve' : 'unresolve'} #${
      this.pair
    }`;
  }
}

class PortalAssign implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pair: number, readonly email: string | null) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      const p = r.pairs[this.pair];
      const issue = m.pairs[this.pair].issue;
      const before = issue.assignee;
      const res = await r.env.backend.api
        .patch(`${API}/issues/${p.issueId}`)
        .set('Authorization', user)
        .send({ assignee: userOf(this.email) });
      if (res.status !== 200)
        throw new Error(`PATCH assignee: ${res.status} ${res.text}`);
      issue.assignee = this.email;
      if (before !== this.email) {
        await newJob(m, r, this.pair, 'assignee', this.email);
      }
    });
  }
  toString() {
    return `portal ${
      this.email ? `assign ${this.email.split('@')[0]}` : 'unassign'
    } #${this.pair}`;
  }
}

class PortalComment implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pair: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    const text = `[${r.tag}:${++m.comments}] note`;
    await step(m, r, `${this.toString()} ${text}`, async () => {
      const p = r.pairs[this.pair];
      const res = await r.env.backend.api
        .post(`${API}/issues/${p.issueId}/comments`)
        .set('Authorization', user)
        .send({ text });
      if (res.status !== 201)
        throw new Error(`POST comment: ${res.status} ${res.text}`);
      await newJob(m, r, this.pair, 'comment', text);
    });
  }
  toString() {
    return `portal comment #${this.pair}`;
  }
}

class AdoState implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pair: number, readonly state: string) {}
  check(m: Readonly<Model>) {
    return m.pairs[this.pair].state !== this.state;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      await r.env.emu.admin(
        `/fabrikam/workitems/${r.pairs[this.pair].workItemId}`,
        {
          as: ADO_EDITOR,
          fields: { 'System.State': this.state },
        },
      );
      revise(
        m,
        this.pair,
        { state: this.state },
        { changedAt: changedDate(r, this.pair) },
      );
    });
  }
  toString() {
    return `ADO state ${this.state} #${this.pair}`;
  }
}

class AdoAssign implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pair: number, readonly email: string | null) {}
  check(m: Readonly<Model>) {
    return m.pairs[this.pair].assignee !== this.email;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      await r.env.emu.admin(
        `/fabrikam/workitems/${r.pairs[this.pair].workItemId}`,
        {
          as: ADO_EDITOR,
          fields: { 'System.AssignedTo': this.email },
        },
      );
      revise(
        m,
        this.pair,
        { assignee: this.email },
        { changedAt: changedDate(r, this.pair) },
      );
    });
  }
  toString() {
    return `ADO ${
      this.email ? `assign ${this.email.split('@')[0]}` : 'unassign'
    } #${this.pair}`;
  }
}

class HoldDeliveries implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>) {
    return !m.holding;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      r.env.proxy.hold();
      m.holding = true;
    });
  }
  toString() {
    return 'hold deliveries';
  }
}

/** Posts one held delivery now (it overtakes the others); each is processed before the next. */
async function postDelivery(m: Model, r: Real, index: number) {
  const [item] = r.env.proxy.held.splice(index, 1);
  r.log.push(`  deliver #${item.workItemId} rev ${item.rev}`);
  const res = await r.env.proxy.post(item);
  if (res.status !== 200) throw new Error(`webhook: ${res.status} ${res.text}`);
  const pair = pairOf(r, item);
  const k = m.held.findIndex(h => h.pair === pair && h.rev === item.rev);
  if (k >= 0) {
    m.held.splice(k, 1);
    deliver(m, pair, item.rev);
  }
  await settle(r.env);
}

class ReleaseOne implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check(m: Readonly<Model>) {
    return m.holding;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      const { held } = r.env.proxy;
      if (held.length === 0) return;
      // Mostly the newest: it overtakes every older one.
      const index = held.length - 1 - (this.pick % held.length);
      if (index > 0) stats.releasedOutOfOrder++;
      await postDelivery(m, r, index);
    });
  }
  toString() {
    return `deliver one held (${
      this.pick === 0 ? 'the newest' : `${this.pick} before the newest`
    })`;
  }
}

class ReleaseAll implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly order: 'in order' | 'reversed' | 'shuffled',
    readonly seed: number,
  ) {}
  check(m: Readonly<Model>) {
    return m.holding;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      const { proxy } = r.env;
      proxy.stopHolding();
      m.holding = false;
      let x = this.seed;
      while (proxy.held.length > 0) {
        let index = 0;
        if (this.order === 'reversed') index = proxy.held.length - 1;
        if (this.order === 'shuffled') {
          x = (x * 1103515245 + 12345) % 2147483648;
          index = x % proxy.held.length;
        }
        if (index > 0) stats.releasedOutOfOrder++;
        await postDelivery(m, r, index);
      }
    });
  }
  toString() {
    return `deliver all held ${this.order}${
      this.order === 'shuffled' ? ` (${this.seed})` : ''
    }`;
  }
}

class Duplicate implements fc.AsyncCommand<Model, Real> {
  constructor(readonly pick: number) {}
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      const { proxy } = r.env;
      const delivered = proxy.captured
        .slice(r.firstCaptured)
        .filter(c => !proxy.held.includes(c));
      if (delivered.length === 0) return;
      const item = delivered[this.pick % delivered.length];
      r.log.push(`  again #${item.workItemId} rev ${item.rev}`);
      stats.duplicatesPosted++;
      const res = await proxy.post(item);
      if (res.status !== 200 || res.body?.status !== 'duplicate')
        throw new Error(
          `a repeated delivery was answered ${res.status} ${res.text}`,
        );
    });
  }
  toString() {
    return `deliver a delivered one again (pick ${this.pick})`;
  }
}

class HoldOutbound implements fc.AsyncCommand<Model, Real> {
  constructor(readonly mode: 'reads' | 'writes') {}
  check(m: Readonly<Model>) {
    return m.gate === 'open';
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      r.env.gate.close(this.mode);
      m.gate = this.mode;
      stats.gateHolds++;
    });
  }
  toString() {
    return `hold the plugin's work item ${this.mode}`;
  }
}

class ReleaseOutbound implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>) {
    return m.gate !== 'open';
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      r.env.gate.open();
      openGate(m);
      pump(m);
    });
  }
  toString() {
    return "release the plugin's work item requests";
  }
}

/** The retry backoff elapses: jobs that lost a `test /rev` race run again. */
class AdvanceTime implements fc.AsyncCommand<Model, Real> {
  check(m: Readonly<Model>) {
    return m.jobs.some(j => j.deferred);
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      await retryNow(r.env);
      for (const job of m.jobs) job.deferred = false;
      pump(m);
    });
  }
  toString() {
    return 'retry backoff elapses';
  }
}

async function retryNow(env: Env) {
  await env
    .knex('outbox_jobs')
    .where('status', 'pending')
    .update({ next_attempt_at: new Date(Date.now() - 1000) });
  sweep(env);
  await sleep(5);
}

/**
 * Waits for the next wall-clock second (fixed sequences only), so the commands after it fall
 * within one second: a clock with second resolution cannot tell their order.
 */
class StartOfSecond implements fc.AsyncCommand<Model, Real> {
  check() {
    return true;
  }
  async run(m: Model, r: Real) {
    await step(m, r, this.toString(), async () => {
      await sleep(1000 - (Date.now() % 1000));
    });
  }
  toString() {
    return 'wait for the next second';
  }
}

/** Pair 0 gets most commands, so one work item sees races; pair 1 shares the queues. */
const pairArb = fc.constantFrom(0, 0, 0, 1);
const emailArb = fc.constantFrom<string | null>(...EMAILS, null);
const portalStatus = fc
  .tuple(
    pairArb,
    fc.constantFrom<'resolved' | 'unresolved'>('resolved', 'unresolved'),
  )
  .map(([p, s]) => new PortalStatus(p, s));
const portalAssign = fc
  .tuple(pairArb, emailArb)
  .map(([p, e]) => new PortalAssign(p, e));
const portalComment = pairArb.map(p => new PortalComment(p));
const adoState = fc
  .tuple(pairArb, fc.constantFrom(...STATES))
  .map(([p, s]) => new AdoState(p, s));
const adoAssign = fc
  .tuple(pairArb, emailArb)
  .map(([p, e]) => new AdoAssign(p, e));
const releaseOne = fc.nat(3).map(k => new ReleaseOne(k));
const releaseAll = fc
  .tuple(
    fc.constantFrom<'in order' | 'reversed' | 'shuffled'>(
      'in order',
      'reversed',
      'shuffled',
    ),
    fc.nat(1000),
  )
  .map(([o, s]) => new ReleaseAll(o, s));
const holdOutbound = fc
  .constantFrom<'reads' | 'writes'>('reads', 'writes')
  .map(mode => new HoldOutbound(mode));
/** Listed twice: drawn twice as often. */
const commandArbs: Array<fc.Arbitrary<fc.AsyncCommand<Model, Real>>> = [
  portalStatus,
  portalStatus,
  portalAssign,
  portalComment,
  adoState,
  adoState,
  adoAssign,
  fc.constant(new HoldDeliveries()),
  releaseOne,
  releaseOne,
  releaseAll,
  fc.nat(7).map(k => new Duplicate(k)),
  holdOutbound,
  holdOutbound,
  fc.constant(new ReleaseOutbound()),
  fc.constant(new AdvanceTime()),
];

// ---- one run ------------------------------------------------------------------------------

let runCounter = 0;

async function newRun(
  env: Env,
  strictClock: boolean,
): Promise<{ model: Model; real: Real }> {
  const tag = `cv${++runCounter}`;
  const issueIds = await createIssues(env.backend, PAIRS, `Conv${runCounter}x`);
  const pairs: Pair[] = [];
  for (let i = 0; i < PAIRS; i++) {
    const wi = await env.emu.admin('/fabrikam/workitems', {
      project: PROJECT,
      type: 'Bug',
      as: ADO_EDITOR,
      fields: { 'System.Title': `${tag} pair ${i}`, 'System.State': 'New' },
    });
    await linkIssue(env.backend, issueIds[i], env.org.organizationId, wi.id);
    pairs.push({ issueId: issueIds[i], workItemId: wi.id, linkRev: wi.rev });
  }
  await settle(env);
  return {
    model: {
      pairs: pairs.map(p => {
        const wi = realPair(env, p.workItemId);
        const revisions = new Map<number, ModelRevision>();
        revisions.set(p.linkRev, {
          rev: p.linkRev,
          state: 'New',
          assignee: null,
          changed: new Set(),
          comment: false,
          ours: false,
          changedAt: Date.parse(String(wi.fields['System.ChangedDate'])),
          provisional: false,
          order: 0,
        });
        return {
          rev: p.linkRev,
          state: 'New',
          assignee: null,
          comments: [],
          revisions,
          written: new Map(),
          unconfirmed: new Set(),
          link: { state: 'New', assignee: null, applied: 0 },
          issue: { status: 'unresolved', assignee: null },
        };
      }),
      jobs: [],
      inFlight: null,
      gate: 'open',
      holding: false,
      held: [],
      order: 0,
      comments: 0,
      misjudged: [],
      superseded: { byIssue: 0, byAdo: 0 },
      gaps: {
        olderChangeWon: [],
        laterChangeOverwritten: [],
        notCrossingOverwritten: [],
      },
    },
    real: {
      env,
      pairs,
      tag,
      firstCaptured: env.proxy.captured.length,
      log: [],
      strictClock,
    },
  };
}

/** Everything held is let go and every retry made due, until nothing moves. */
async function drain(model: Model, real: Real) {
  const { env } = real;
  real.log.push('-- drain');
  env.gate.open();
  env.proxy.stopHolding();
  model.holding = false;
  openGate(model);
  // The runner goes on at once; the held deliveries are posted after it settles.
  pump(model);
  for (let round = 0; round < 20; round++) {
    await settle(env);
    while (env.proxy.held.length > 0) await postDelivery(model, real, 0);
    for (const j of model.jobs) j.deferred = false;
    pump(model);
    const open = await count(env.knex, 'outbox_jobs', q =>
      q.whereIn('status', ['pending', 'running']),
    );
    if (open === 0 && env.proxy.held.length === 0) break;
    await retryNow(env);
  }
  await settle(env);
  if (env.sweeping) await env.sweeping;
}

function userOf(email: string | null): string | null {
  if (!email) return null;
  return USERS[email] ?? `(no catalog user for ${email})`;
}

/** The checks after quiescence; returns what is wrong, with the evidence. */
async function verify(model: Model, real: Real): Promise<string[]> {
  const { env } = real;
  const problems: string[] = [];
  try {
    await checkSides(model, real);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (model.misjudged.length > 0 && real.strictClock) {
    problems.push(
      `a change was judged by the clocks against the real order:\n${model.misjudged.join(
        '\n',
      )}`,
    );
  }
  const failedJobs = await env
    .knex('outbox_jobs')
    .whereIn(
      'issue_id',
      real.pairs.map(p => p.issueId),
    )
    .whereNotIn('status', ['done', 'skipped'])
    .select('kind', 'status', 'last_error');
  if (failedJobs.length > 0)
    problems.push(`outbound jobs not done: ${JSON.stringify(failedJobs)}`);
  const badDeliveries = await env
    .knex('inbox_deliveries')
    .where({ organization_id: env.org.organizationId })
    .whereIn(
      'work_item_id',
      real.pairs.map(p => p.workItemId),
    )
    .andWhere(q =>
      q
        .whereNotIn('status', ['applied', 'skipped'])
        .orWhere('attempts', '>', 1),
    )
    .select('work_item_id', 'revision', 'status', 'attempts', 'last_error');
  if (badDeliveries.length > 0)
    problems.push(
      `deliveries not applied at the first attempt: ${JSON.stringify(
        badDeliveries,
      )}`,
    );
  for (const [i, pair] of real.pairs.entries()) {
    const wi = realPair(env, pair.workItemId);
    const history = env.history.get(pair.workItemId) ?? [];
    const at = (rev: number) => [...history].reverse().find(h => h.rev <= rev);
    const issue = await issueRow(env, pair.issueId);
    const state = String(wi.fields['System.State']);
    const assignee = realAssignee(wi.fields['System.AssignedTo']);
    const wantStatus = DONE.has(state) ? 'resolved' : 'unresolved';
    const rows = await env
      .knex('issue_activity')
      .where({ issue_id: pair.issueId })
      .orderBy('created_at')
      .select('type', 'source_kind', 'source_revision', 'data');
    const fromAdo = rows.filter(a => a.source_kind === 'azure-devops');
    const deliveries = await env
      .knex('inbox_deliveries')
      .where({
        organization_id: env.org.organizationId,
        work_item_id: pair.workItemId,
      })
      .orderBy('processed_at')
      .select('revision', 'status', 'outcome');
    const evidence = () =>
      `\n    ADO revisions: ${history
        .map(
          h =>
            `${h.rev}:${h.state}/${h.assignee?.split('@')[0] ?? '-'}${
              h.by === SERVICE ? '(ours)' : ''
            }${h.comment ? '+comment' : ''}`,
        )
        .join(' ')}\n    issue activity: ${rows
        .map(
          a =>
            `${a.type}${
              a.source_kind === 'azure-devops'
                ? `@rev${a.source_revision}`
                : '(portal)'
            }`,
        )
        .join(' ')}\n    deliveries as processed: ${deliveries
        .map(d => `rev ${d.revision} ${d.status} (${d.outcome})`)
        .join('; ')}`;

    // Both sides agree with the last writer.
    if (issue.status !== wantStatus) {
      problems.push(
        `pair ${i}: the work item is ${state} (rev ${
          wi.rev
        }) but the issue is ${issue.status}${evidence()}`,
      );
    }
    if ((issue.assignee ?? null) !== userOf(assignee)) {
      problems.push(
        `pair ${i}: the work item is assigned to ${
          assignee ?? 'nobody'
        } but the issue to ${issue.assignee ?? 'nobody'}${evidence()}`,
      );
    }

    // Nothing applied twice.
    const seen = new Map<string, number>();
    for (const a of fromAdo) {
      const key = `${a.type}@${a.source_revision}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    const twice = [...seen].filter(([, n]) => n > 1).map(([k]) => k);
    if (twice.length > 0)
      problems.push(
        `pair ${i}: applied twice: ${twice.join(', ')}${evidence()}`,
      );
    const echoedComments = fromAdo.filter(a => a.type === 'comment');
    if (echoedComments.length > 0)
      problems.push(
        `pair ${i}: our own comment came back as an ADO comment at rev ${echoedComments
          .map(a => a.source_revision)
          .join(', ')}${evidence()}`,
      );

    // No known flip.
    let previous = pair.linkRev;
    for (const a of fromAdo) {
      const rev = Number(a.source_revision);
      const now = at(rev);
      if (a.type === 'set_resolved' || a.type === 'set_unresolved') {
        const resolves = a.type === 'set_resolved';
        const stateAtRev = now?.state ?? '?';
        const since = previous;
        const crossed = history.some(
          h =>
            h.rev >= since &&
            h.rev < rev &&
            DONE.has(h.state) !== DONE.has(stateAtRev),
        );
        const before = at(rev - 1)?.state ?? '(none)';
        if (DONE.has(stateAtRev) !== resolves) {
          problems.push(
            `pair ${i}: flip: ${
              a.type
            } from rev ${rev}, where the work item is ${stateAtRev} (${before} → ${stateAtRev})${evidence()}`,
          );
        } else if (!crossed) {
          problems.push(
            `pair ${i}: flip: ${
              a.type
            } from rev ${rev} (${before} → ${stateAtRev}), but the work item did not cross the done boundary since rev ${previous}${evidence()}`,
          );
        }
        previous = rev;
      }
      if (a.type === 'assigned' || a.type === 'unassigned') {
        const data = JSON.parse(a.data ?? '{}');
        const want = userOf(now?.assignee ?? null);
        const got = a.type === 'assigned' ? data.assignee : null;
        if (want !== got) {
          problems.push(
            `pair ${i}: ${a.type} ${
              got ?? ''
            } from rev ${rev}, where the work item is assigned to ${
              now?.assignee ?? 'nobody'
            }${evidence()}`,
          );
        }
      }
    }
  }
  return problems;
}

/**
 * Minimal counterexamples the property found, as fixed sequences that stay as regression
 * checks; each fails while the product diverges (the failure prints what went wrong). A clock
 * misjudgement fails them too.
 */
const SCENARIOS: Array<[string, () => Array<fc.AsyncCommand<Model, Real>>]> = [
  // The link's state and assignee are those of the last applied revision, not of our write's
  // answer (which already holds ADO revisions not delivered yet).
  [
    'an ADO Closed delivered after our comment landed resolves the issue',
    () => [
      new HoldDeliveries(),
      new AdoState(0, 'Closed'),
      new PortalComment(0),
      new ReleaseAll('in order', 0),
    ],
  ],
  [
    'an ADO assignment delivered after our resolve landed does not reopen the issue',
    () => [
      new HoldDeliveries(),
      new AdoAssign(0, 'alice@example.com'),
      new PortalStatus(0, 'resolved'),
      new ReleaseAll('in order', 0),
    ],
  ],
  // The later change wins. A portal change made after an ADO change not delivered yet is
  // written over it; the two are made within one wall-clock second (a clock that cannot tell
  // them apart takes the ADO change for the later one).
  [
    'New → Active made before a portal resolve and delivered after our write does not reopen the issue',
    () => [
      new StartOfSecond(),
      new HoldDeliveries(),
      new AdoState(0, 'Active'),
      new PortalStatus(0, 'resolved'),
      new ReleaseAll('in order', 0),
    ],
  ],
  [
    'a portal assignment made after an ADO assignment not delivered yet wins on both sides',
    () => [
      new StartOfSecond(),
      new HoldDeliveries(),
      new AdoAssign(0, 'bob@example.com'),
      new PortalAssign(0, 'alice@example.com'),
      new ReleaseAll('in order', 0),
    ],
  ],
  // An ADO change made after the portal change, before its job read the work item, is kept,
  // whether its delivery came first (the issue moved on) or not (ADO moved on since the last
  // applied revision).
  [
    'an ADO assignment made after a portal assignment and delivered before its job runs wins on both sides',
    () => [
      new HoldOutbound('reads'),
      new PortalAssign(0, 'alice@example.com'),
      new AdoAssign(0, 'bob@example.com'),
      new ReleaseOutbound(),
    ],
  ],
  [
    'an ADO assignment made after a portal assignment and delivered after its job ran wins on both sides',
    () => [
      new HoldDeliveries(),
      new HoldOutbound('reads'),
      new PortalAssign(0, 'alice@example.com'),
      new AdoAssign(0, 'bob@example.com'),
      new ReleaseOutbound(),
      new ReleaseAll('in order', 0),
    ],
  ],
  // A later ADO change that does not cross the done boundary changes no status when delivered,
  // so it does not stop the portal's status write (which would leave the sides apart).
  [
    'an ADO New → Active made after a portal resolve does not stop the resolve; both sides end resolved',
    () => [
      new HoldDeliveries(),
      new HoldOutbound('reads'),
      new PortalStatus(0, 'resolved'),
      new AdoState(0, 'Active'),
      new ReleaseOutbound(),
      new ReleaseAll('in order', 0),
    ],
  ],
  [
    'an ADO Resolved → Closed made after a portal unresolve does not stop the unresolve; both sides end unresolved',
    () => [
      new AdoState(0, 'Resolved'),
      new HoldDeliveries(),
      new HoldOutbound('reads'),
      new PortalStatus(0, 'unresolved'),
      new AdoState(0, 'Closed'),
      new ReleaseOutbound(),
      new ReleaseAll('in order', 0),
    ],
  ],
  // The revision a write expects is recorded as ours before the PATCH; an ADO edit that takes
  // that revision first is not our echo (its values are not the ones we wrote).
  [
    'an ADO edit made while our write is on its way is not taken for our echo',
    () => [
      new HoldOutbound('writes'),
      new PortalStatus(0, 'resolved'),
      new AdoAssign(0, 'bob@example.com'),
      new ReleaseOutbound(),
      new AdvanceTime(),
    ],
  ],
  // The revision a held write expects is no baseline: a foreign edit took it, and judging the
  // next revision from our unwritten Active would re-resolve the issue (a Resolved → Closed flip).
  [
    'a foreign edit that takes the revision our held write expects is not judged from our write',
    () => [
      new AdoState(0, 'Closed'),
      new HoldDeliveries(),
      new HoldOutbound('writes'),
      new PortalStatus(0, 'unresolved'),
      new AdoState(0, 'Resolved'),
      new AdoState(0, 'Closed'),
      new ReleaseAll('reversed', 0),
    ],
  ],
  // A portal change that finds ADO already holding its value remembers that revision as if
  // ours: the echo of a later write, delivered first, is judged from it (ADO Resolved → New
  // reopens), not from the older last applied state (New, which would leave the issue resolved).
  [
    'an ADO New made after a portal resolve that found ADO Resolved, delivered after the echo of our later comment, reopens the issue',
    () => [
      new HoldDeliveries(),
      new AdoState(0, 'Resolved'),
      new PortalStatus(0, 'resolved'),
      new HoldOutbound('reads'),
      new AdoState(0, 'New'),
      new PortalComment(0),
    ],
  ],
  // A revision at or below the last applied one changes nothing; the later revision's snapshot
  // carries its effect.
  [
    'an ADO assignment overtaken by a later ADO revision is applied from that revision',
    () => [
      new HoldDeliveries(),
      new AdoAssign(0, 'bob@example.com'),
      new AdoState(0, 'Active'),
      new ReleaseAll('reversed', 0),
    ],
  ],
  [
    'an ADO assignment delivered after the echo of our later write is applied from the echo',
    () => [
      new HoldDeliveries(),
      new AdoAssign(0, 'alice@example.com'),
      new PortalStatus(0, 'resolved'),
      new ReleaseOne(0),
      new ReleaseAll('in order', 0),
    ],
  ],
  // The inbox judges a field from its value before the revision: our latest write since the
  // last applied revision, not applied yet (ADO moved and the issue holds its value), else the
  // last applied value. A foreign change back to the last applied value, or one that crosses
  // the done boundary from our value but not from the last applied one, is a change.
  [
    'an ADO unassignment after our assignment, delivered after the echo of our later comment, unassigns the issue',
    () => [
      new HoldDeliveries(),
      new PortalAssign(0, 'alice@example.com'),
      new AdoAssign(0, null),
      new PortalComment(0),
      new ReleaseOne(0),
      new ReleaseAll('in order', 0),
    ],
  ],
  [
    'an ADO Resolved after our Closed → Active write, delivered before that write, resolves the issue again',
    () => [
      new AdoState(0, 'Closed'),
      new HoldDeliveries(),
      new PortalStatus(0, 'unresolved'),
      new AdoState(0, 'Resolved'),
      new ReleaseAll('reversed', 0),
    ],
  ],
];

// ---- the suite ----------------------------------------------------------------------------

async function startEnv(knex: Knex): Promise<Env> {
  const gate = new WorkItemGate();
  const emu = await startLoggedEmulator({ gate: gate.middleware });
  const backend = await startBackend({
    knex,
    integrations: [
      {
        host: new URL(emu.url).host,
        credentials: [{ personalAccessToken: 'demo-pat' }],
      },
    ],
  });
  const proxy = await startDeliveryProxy(backend.port);
  const org = await connectFabrikam(backend, emu, { hookUrl: proxy.url });
  const config = await backend.api
    .get(`${API}/organizations/${org.organizationId}/config`)
    .set('Authorization', user);
  const projectId: string = config.body.fields[0].addDropdown.items.find(
    (p: any) => p.label === PROJECT,
  ).value;
  const put = await backend.api
    .put(`${API}/organizations/${org.organizationId}/config`)
    .set('Authorization', user)
    .send({
      sync_status_forward: {
        [projectId]: { on_resolve: ON_RESOLVE, on_unresolve: ON_UNRESOLVE },
      },
    });
  if (put.status !== 200) throw new Error(`config: ${put.status} ${put.text}`);
  return {
    knex,
    emu,
    backend,
    proxy,
    gate,
    org,
    history: recordRevisions(emu.emulator),
    sweeping: undefined,
  };
}

/** One sequence of commands on fresh pairs, drained and checked; returns what is wrong. */
async function runCommands(
  env: Env,
  commands: Iterable<fc.AsyncCommand<Model, Real>>,
  options: { strictClock: boolean },
): Promise<{ problems: string[]; log: string[] }> {
  const setup = await newRun(env, options.strictClock);
  let problems: string[];
  try {
    await fc.asyncModelRun(() => setup, commands);
    await drain(setup.model, setup.real);
    problems = await verify(setup.model, setup.real);
  } catch (error) {
    problems = [`failed while running: ${(error as Error).message}`];
    env.gate.open();
    env.proxy.stopHolding();
    env.proxy.held.length = 0;
    await drain(setup.model, setup.real).catch(() => undefined);
  }
  const { model } = setup;
  stats.supersededByIssue += model.superseded.byIssue;
  stats.supersededByAdo += model.superseded.byAdo;
  stats.clockMisjudged += model.misjudged.length;
  stats.olderChangeWon += model.gaps.olderChangeWon.length;
  stats.laterChangeOverwritten += model.gaps.laterChangeOverwritten.length;
  stats.notCrossingOverwritten += model.gaps.notCrossingOverwritten.length;
  for (const note of model.misjudged)
    setup.real.log.push(`(clock misjudged: ${note})`);
  for (const note of [
    ...model.gaps.olderChangeWon,
    ...model.gaps.laterChangeOverwritten,
  ])
    setup.real.log.push(`(not in the real order of the field: ${note})`);
  for (const note of model.gaps.notCrossingOverwritten)
    setup.real.log.push(`(by design: ${note})`);
  return { problems, log: setup.real.log };
}

const resetStats = () =>
  Object.assign(stats, {
    runs: 0,
    commands: 0,
    failedRuns: 0,
    releasedOutOfOrder: 0,
    duplicatesPosted: 0,
    gateHolds: 0,
    conflicts: 0,
    supersededByIssue: 0,
    supersededByAdo: 0,
    clockMisjudged: 0,
    olderChangeWon: 0,
    laterChangeOverwritten: 0,
    notCrossingOverwritten: 0,
    shrinkSkipped: 0,
  });

describe.each(databases.eachSupportedId())(
  'reliability: convergence, model-based (%s)',
  databaseId => {
    let env: Env;
    let setupMs = 0;

    beforeAll(async () => {
      const started = Date.now();
      env = await startEnv(await databases.init(databaseId));
      setupMs = Date.now() - started;
    });

    afterAll(async () => {
      env?.gate.open();
      await env?.proxy.close();
      await env?.emu.close();
    });

    it(`${RUNS} runs of up to ${MAX_COMMANDS} portal/ADO/delivery commands: both sides agree, the later change wins, no flip, nothing applied twice`, async () => {
      const started = Date.now();
      resetStats();
      let lastFailure: { log: string[]; problems: string[] } | undefined;
      let firstFailureAt: number | undefined;
      const property = fc.asyncProperty(
        fc.noBias(
          fc.commands(commandArbs, {
            maxCommands: MAX_COMMANDS,
            size: 'max',
            ...(REPLAY ? { replayPath: REPLAY } : {}),
          }),
        ),
        async commands => {
          if (firstFailureAt && Date.now() - firstFailureAt > SHRINK_MS) {
            stats.shrinkSkipped++;
            return;
          }
          stats.runs++;
          const { problems, log } = await runCommands(env, commands, {
            strictClock: STRICT_CLOCK,
          });
          if (process.env.RELIABILITY_VERBOSE === '1') {
            process.stderr.write(
              `\n[convergence run]\n${log.join('\n')}\n${problems.join(
                '\n',
              )}\n`,
            );
          }
          if (problems.length > 0) {
            stats.failedRuns++;
            firstFailureAt ??= Date.now();
            lastFailure = { log, problems };
            throw new Error(problems.join('\n'));
          }
        },
      );
      const details = await fc.check(property, {
        numRuns: RUNS,
        seed: SEED,
        ...(PATH ? { path: PATH } : {}),
      });

      const failure = details.failed ? lastFailure : undefined;
      const replay = /replayPath="([^"]*)"/.exec(
        String(details.counterexample?.[0] ?? ''),
      )?.[1];
      report(`convergence (${databaseId})`, {
        runs: details.numRuns,
        executions: stats.runs,
        commands: stats.commands,
        failures: stats.failedRuns,
        shrinks: details.numShrinks,
        shrinkCandidatesSkipped: stats.shrinkSkipped,
        pairs: PAIRS,
        maxCommands: MAX_COMMANDS,
        deliveriesOutOfOrder: stats.releasedOutOfOrder,
        duplicatesPosted: stats.duplicatesPosted,
        outboundHolds: stats.gateHolds,
        revConflicts: stats.conflicts,
        supersededByIssue: stats.supersededByIssue,
        supersededByAdo: stats.supersededByAdo,
        clockMisjudged: stats.clockMisjudged,
        olderChangeWon: stats.olderChangeWon,
        laterChangeOverwritten: stats.laterChangeOverwritten,
        notCrossingOverwritten: stats.notCrossingOverwritten,
        disagreements: failure ? `${failure.problems.length}` : '0',
        seed: SEED,
        path: details.counterexamplePath ?? '-',
        setupMs,
        wallMs: Date.now() - started,
      });
      const counterexample = failure
        ? [
            `fast-check seed ${details.seed} path ${details.counterexamplePath} (replay: RELIABILITY_SEED=${details.seed} RELIABILITY_CONVERGENCE_PATH=${details.counterexamplePath} RELIABILITY_CONVERGENCE_REPLAY='${replay}'), ${details.numShrinks} shrinks`,
            'smallest failing sequence, as run:',
            ...failure.log.map(l => `  ${l}`),
            'wrong after quiescence:',
            ...failure.problems,
          ].join('\n')
        : undefined;
      expect(counterexample).toBeUndefined();
    });

    it.each(SCENARIOS)('%s', async (_name, commands) => {
      const { problems, log } = await runCommands(env, commands(), {
        strictClock: true,
      });
      if (process.env.RELIABILITY_VERBOSE === '1') {
        process.stderr.write(`\n[${_name}]\n${log.join('\n')}\n`);
      }
      expect({ problems, log }).toEqual({ problems: [], log });
    });
  },
);
