/* eslint-disable no-console */
/**
 * Webhook acknowledge benchmark: the real plugin in a real Backstage backend process
 * (`createBackend()`, config from code, a catalog mock), connected to the ADO emulator's demo
 * organization, driven with valid `workitem.updated` deliveries (distinct work item id and
 * revision each, correct `Shared-Secret`). Per database (SQLite file in a temp dir, then
 * PostgreSQL in a throwaway database) it prints: ack p50/p99 at a fixed arrival rate (open loop,
 * `openLoop.ts`), ack/s at saturation (autocannon), the time from the end of each load phase
 * until every accepted delivery is applied or skipped, the backend's CPU per ack and how busy its
 * event loop thread was; and checks the stored count against the accepted count.
 *
 * With wrk and taskset on the host (Debian: `apt-get install wrk`), it then drives saturation
 * with wrk (C, far cheaper per request than autocannon in Node) pinned to one core and the
 * backend to the other, both ways round, against the webhook and against a route that does no
 * work on the same backend and stack (`ceilingPlugin.ts`), and prints the ratio of the two.
 *
 *   npm run bench:webhooks [-- --pg postgresql://postgres:postgres@localhost:5432]
 *     [--rate 500 --fixed-seconds 10 --warm-up-seconds 10 --saturation-seconds 10 --connections 32
 *      --linked 20 --prepared-statements --no-wrk]
 *
 * Every load phase stops by itself after its seconds; all traffic goes to 127.0.0.1.
 */
import { createEmulator } from '@internal/ado-emulator';
import autocannon from 'autocannon';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { AdoClient } from '../src/api/AdoClient';
import {
  DbTarget,
  pgTarget,
  sqliteTarget,
  waitApplied,
} from './benchDatabases';
import { openLoop, OpenLoopResult } from './openLoop';
import {
  backendUsage,
  freePort,
  startBackend,
  stopBackend,
} from './webhookBackend';
import { call, delivery } from './webhookDeliveries';
import { CEILING_PATH, FLOOR_PATH } from './ceilingPlugin';
import { Phase, printPhases, printRatios } from './webhookReport';
import {
  pinProcess,
  wrkAvailable,
  wrkSaturation,
  WRK_REVISION,
  WRK_WORK_ITEM,
} from './wrkLoad';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > -1 ? process.argv[index + 1] : fallback;
}

const RATE = Number(arg('rate', '500'));
const FIXED_SECONDS = Number(arg('fixed-seconds', '10'));
const WARM_UP_SECONDS = Number(arg('warm-up-seconds', '10'));
const SATURATION_SECONDS = Number(arg('saturation-seconds', '10'));
const CONNECTIONS = Number(arg('connections', '32'));
const LINKED = Number(arg('linked', '20'));
/** Share of deliveries for linked work items (the rest are for unlinked ones: `skipped`). */
const LINKED_SHARE = Number(arg('linked-share', '0.1'));
/** Acks/s above what 2 cores manage: how many bodies a saturation phase builds per second. */
const SATURATION_CEILING = 2500;
const APPLY_TIMEOUT_MS = Number(arg('apply-timeout-ms', '120000'));
const PG_URL =
  arg('pg', '') ||
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ||
  '';
/** Where the SQLite file goes (the OS temp dir by default; /dev/shm takes fsync out of it). */
const SQLITE_DIR = arg('sqlite-dir', tmpdir());
const SKIP_SQLITE = process.argv.includes('--skip-sqlite');
/** `azureDevOpsSync.database.preparedStatements` (PostgreSQL only). */
const PREPARED_STATEMENTS = process.argv.includes('--prepared-statements');
const USE_WRK = !process.argv.includes('--no-wrk') && wrkAvailable();
/** wrk's core and the backend's, both ways round. */
const PINNINGS = [
  { wrk: 0, backend: 1 },
  { wrk: 1, backend: 0 },
];
const ENTITY = 'component:default/payments-api';
const API = '/api/azure-devops-sync';

/** One load phase: sends `body()` deliveries and reports every answer to `onResponse`. */
interface Drive {
  /** Bodies to build before the clock starts (more are built on the fly if it sends more). */
  expected: number;
  run(
    body: () => string,
    onResponse: (status: number, text: string) => void,
  ): Promise<OpenLoopResult & { accepted?: number }>;
}

async function benchTarget(
  target: DbTarget,
  emulatorUrl: string,
  collectionId: string,
  secretOf: (subscriptionId: string) => string,
  workItems: number[],
  projectId: string,
): Promise<{ phases: Phase[]; check: string }> {
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child = await startBackend({
    port,
    emulatorHost: new URL(emulatorUrl).host,
    token,
    database: target.database,
    preparedStatements: PREPARED_STATEMENTS,
  });
  const base = `http://127.0.0.1:${port}`;
  const db = target.connect();
  try {
    const org = await call(base, token, 'POST', '/organizations', {
      name: `${emulatorUrl}/fabrikam/`,
    });
    const secret = secretOf(org.subscription.id);

    // Linked issues: deliveries for their work items are applied, the rest are skipped.
    const linked = workItems.slice(0, LINKED);
    for (let i = 0; i < linked.length; i++) {
      const saved = await call(base, token, 'POST', '/events', {
        entityRef: ENTITY,
        fingerprint: [`webhook-bench-${i}`],
        message: `bench issue ${i}`,
      });
      await call(
        base,
        token,
        'POST',
        `/issues/${saved.items[0].issueId}/links`,
        { organizationId: org.id, workItemId: linked[i] },
      );
    }

    let counter = 0;
    const nextBody = () => {
      const n = counter++;
      if (linked.length > 0 && (n % 1000) / 1000 < LINKED_SHARE) {
        // Revisions above anything the emulator has, increasing per work item.
        return delivery(
          collectionId,
          projectId,
          linked[n % linked.length],
          1000 + n,
        );
      }
      return delivery(
        collectionId,
        projectId,
        1_000_000 + (n % 50_000),
        1 + Math.floor(n / 50_000),
      );
    };

    const phases: Phase[] = [];
    let acceptedTotal = 0;
    let sentTotal = 0;
    const url = `${base}${API}/webhooks/workitem`;
    const headers = {
      'content-type': 'application/json',
      'shared-secret': secret,
    };
    /** Closed loop: each connection sends its next request when the last one is answered. */
    const closedLoop = (options: Partial<autocannon.Options>): Drive => ({
      // Rate-limited phases send about rate × seconds; the others as many as the host takes.
      expected:
        options.amount ??
        (options.overallRate ?? SATURATION_CEILING) * Number(options.duration),
      run: async (body, onResponse) => {
        const result = await autocannon({
          url,
          method: 'POST',
          headers,
          ...options,
          requests: [
            {
              setupRequest: req => ({ ...req, body: body() }),
              onResponse: (status, text) => onResponse(status, text),
            },
          ],
        } as autocannon.Options);
        return {
          sent: result.requests.sent,
          ok2xx: result['2xx'],
          failed: result.non2xx + result.errors + result.timeouts,
          seconds: result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          max: result.latency.max,
        };
      },
    });
    /** Open loop: a delivery every 1/RATE s, however long the answers take. */
    const fixedRate = (seconds: number): Drive => ({
      expected: RATE * seconds,
      run: (body, onResponse) =>
        openLoop({
          url,
          headers,
          rate: RATE,
          seconds,
          connections: 64,
          body,
          onResponse,
        }),
    });

    const load = async (
      name: string,
      drive: Drive,
      record: boolean,
      makeBody: () => string = nextBody,
    ) => {
      // Built up front: the load generator shares this host's cores with the backend, and
      // serialising a 3 KB delivery per request would take CPU time from what is measured.
      const bodies = Array.from({ length: drive.expected }, makeBody);
      let taken = 0;
      const body = () => (taken < bodies.length ? bodies[taken++] : makeBody());
      const before = await backendUsage(child);
      const started = performance.now();
      let accepted = 0;
      let duplicates = 0;
      const result = await drive.run(body, (status, text) => {
        if (status !== 200) return;
        if (text.includes('"accepted"')) accepted++;
        else if (text.includes('"duplicate"')) duplicates++;
      });
      // wrk reads no answers: its 2xx answers to unique deliveries are the accepted ones.
      if (result.accepted !== undefined) accepted = result.accepted;
      const loadEnded = performance.now();
      const atLoadEnd = await backendUsage(child);
      const share = (key: 'mainRunMs' | 'mainWaitMs') =>
        before[key] === undefined
          ? NaN
          : (100 * (atLoadEnd[key]! - before[key]!)) / (loadEnded - started);
      acceptedTotal += accepted;
      sentTotal += result.sent;
      const applied = await waitApplied(
        db,
        acceptedTotal,
        loadEnded,
        APPLY_TIMEOUT_MS,
      );
      const cpuMs = (await backendUsage(child)).cpuMs - before.cpuMs;
      if (!record) return;
      phases.push({
        name,
        sent: result.sent,
        acked: result.ok2xx,
        accepted,
        duplicates,
        errors: result.failed,
        seconds: result.seconds,
        ackPerSecond: result.ok2xx / result.seconds,
        p50: result.p50,
        p99: result.p99,
        max: result.max,
        sendLateMax: result.sendLateMax,
        applyAfterLoadMs: applied.ms,
        cpuMsPerAck: cpuMs / Math.max(result.ok2xx, 1),
        mainBusyPct: share('mainRunMs'),
        mainWaitPct: share('mainWaitMs'),
        loopDelayMaxMs: atLoadEnd.loopDelayMaxMs,
        serverP99Ms: atLoadEnd.serverP99Ms,
      });
    };

    await load('warm-up', closedLoop({ amount: 300, connections: 4 }), false);
    // A backend that has run for a while: the fixed rate itself, long enough for V8 to have
    // optimised the request path (the first seconds after start are several times slower).
    await load('warm-up at the fixed rate', fixedRate(WARM_UP_SECONDS), false);
    await load(
      `fixed ${RATE}/s, evenly spaced (open loop)`,
      fixedRate(FIXED_SECONDS),
      true,
    );
    await load(
      `saturation (${CONNECTIONS} connections)`,
      closedLoop({ connections: CONNECTIONS, duration: SATURATION_SECONDS }),
      true,
    );
    // For comparison with earlier runs: autocannon's own rate limit, which sends each
    // connection's share back to back at the start of every second (see openLoop.ts).
    await load(
      `autocannon overallRate ${RATE} (16 connections, a burst each second)`,
      closedLoop({
        overallRate: RATE,
        connections: 16,
        duration: FIXED_SECONDS,
      }),
      true,
    );
    // The ceiling on this machine: the same backend and load tool, deliveries of an event type
    // the route acknowledges without touching the database. At the fixed rate it shows the
    // latency this host adds before any of the plugin's own work.
    const ignored = JSON.stringify({
      eventType: 'git.push',
      resourceContainers: { collection: { id: collectionId } },
    });
    await load(
      `ceiling: ignored event type, no database, fixed ${RATE}/s`,
      fixedRate(FIXED_SECONDS),
      true,
      () => ignored,
    );
    await load(
      `ceiling: ignored event type, no database (${CONNECTIONS} connections)`,
      closedLoop({ connections: CONNECTIONS, duration: SATURATION_SECONDS }),
      true,
      () => ignored,
    );

    if (USE_WRK) {
      const template = delivery(
        collectionId,
        projectId,
        WRK_WORK_ITEM,
        WRK_REVISION,
      );
      let revisionBase = 100_000_000;
      const wrk = (
        path: string,
        cpu: number,
        options: { seconds: number; stores: boolean },
      ): Drive => ({
        expected: 0,
        run: async () => {
          revisionBase += 20_000_000;
          const result = await wrkSaturation({
            url: `${base}${path}`,
            template,
            secret,
            revisionBase,
            linked,
            linkedShare: LINKED_SHARE,
            connections: CONNECTIONS,
            seconds: options.seconds,
            cpu,
          });
          return { ...result, accepted: options.stores ? result.ok2xx : 0 };
        },
      });
      for (const pin of PINNINGS) {
        await pinProcess(child.pid!, String(pin.backend));
        const where = `wrk on core ${pin.wrk}, backend on core ${pin.backend}`;
        await load(
          'warm-up',
          wrk(`${API}/webhooks/workitem`, pin.wrk, {
            seconds: 3,
            stores: true,
          }),
          false,
        );
        await load(
          `saturation with wrk (${CONNECTIONS} connections, ${where})`,
          wrk(`${API}/webhooks/workitem`, pin.wrk, {
            seconds: SATURATION_SECONDS,
            stores: true,
          }),
          true,
        );
        await load(
          `ceiling with wrk: a no-op route, same body (${where})`,
          wrk(CEILING_PATH, pin.wrk, {
            seconds: SATURATION_SECONDS,
            stores: false,
          }),
          true,
        );
        await load(
          `floor with wrk: JSON.parse and a group-committed INSERT (${where})`,
          wrk(FLOOR_PATH, pin.wrk, {
            seconds: SATURATION_SECONDS,
            stores: false,
          }),
          true,
        );
      }
      await pinProcess(child.pid!, '0-1');
    }

    // No delivery lost or applied twice: every acknowledged delivery is stored (plus any whose
    // answer autocannon stopped waiting for at the end of a phase), and every stored one was
    // processed exactly once (claimed once, ending applied or skipped, none failed).
    // Requests autocannon stopped waiting for may still land: let them, and their processing.
    await new Promise(r => setTimeout(r, 1000));
    const { counts } = await waitApplied(
      db,
      0,
      performance.now(),
      APPLY_TIMEOUT_MS,
    );
    const stored = Object.values(counts).reduce((a, b) => a + b, 0);
    const processed = (counts.applied ?? 0) + (counts.skipped ?? 0);
    const [{ maxAttempts }] = await db('inbox_deliveries').max({
      maxAttempts: 'attempts',
    });
    const ok =
      stored >= acceptedTotal &&
      stored <= sentTotal &&
      processed === stored &&
      // Deliveries stored settled (unlinked) are never attempted.
      Number(maxAttempts) <= 1;
    const check = `${
      target.name
    }: acknowledged as accepted ${acceptedTotal}, sent ${sentTotal}, stored ${stored}, applied ${
      counts.applied ?? 0
    } + skipped ${counts.skipped ?? 0} = ${processed}, failed ${
      counts.failed ?? 0
    }, max attempts ${maxAttempts} → ${ok ? 'OK' : 'MISMATCH'}`;
    if (!ok) process.exitCode = 1;
    return { phases, check };
  } finally {
    await db.destroy();
    await stopBackend(child);
    await target.cleanup();
  }
}

async function main() {
  const emulator = createEmulator();
  const running = await emulator.listen(0, '127.0.0.1');
  try {
    const fabrikam = emulator.state.org('fabrikam')!;
    const secretOf = (subscriptionId: string) => {
      const headers = String(
        fabrikam.subscriptions.get(subscriptionId)!.consumerInputs
          .httpHeaders ?? '',
      );
      const line = headers
        .split('\n')
        .find(l => l.toLowerCase().startsWith('shared-secret:'));
      if (!line) throw new Error('The subscription has no Shared-Secret');
      return line.slice('shared-secret:'.length).trim();
    };
    const ado = new AdoClient({
      baseUrl: `${running.url}/fabrikam/`,
      getAuthorization: async () =>
        `Basic ${Buffer.from(':demo-pat').toString('base64')}`,
    });
    const wiql = await ado.queryWiql(
      'SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project',
      { project: 'Payments' },
    );
    const workItems = wiql.workItems.map(w => w.id);
    // The demo project has only a few work items: add Tasks until `--linked` can be linked.
    while (workItems.length < LINKED) {
      const created = await ado.createWorkItem('Payments', 'Task', [
        {
          op: 'add',
          path: '/fields/System.Title',
          value: `Webhook bench ${workItems.length + 1}`,
        },
      ]);
      workItems.push(created.id);
    }
    const project = [...fabrikam.projects.values()].find(
      (p: any) => p.name === 'Payments',
    ) as any;

    const targets: Array<() => Promise<DbTarget>> = SKIP_SQLITE
      ? []
      : [() => sqliteTarget(SQLITE_DIR)];
    if (PG_URL) targets.push(() => pgTarget(PG_URL));
    else
      console.log(
        'PostgreSQL skipped: pass --pg <url> or set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
      );

    const rows: Array<Phase & { database: string }> = [];
    const checks: string[] = [];
    for (const make of targets) {
      const target = await make();
      const { phases, check } = await benchTarget(
        target,
        running.url,
        fabrikam.accountId,
        secretOf,
        workItems,
        project?.id ?? 'payments',
      );
      rows.push(...phases.map(p => ({ ...p, database: target.name })));
      checks.push(check);
    }

    console.log(
      `\nWebhook acknowledge: workitem.updated deliveries (${Math.round(
        LINKED_SHARE * 100,
      )}% for ${LINKED} linked work items, the rest unlinked → skipped)\n`,
    );
    printPhases(rows);
    printRatios(rows);
    console.log('');
    for (const check of checks) console.log(check);
  } finally {
    await running.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
