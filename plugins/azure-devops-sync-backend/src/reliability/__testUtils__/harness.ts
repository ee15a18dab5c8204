import {
  coreServices,
  createServiceFactory,
  LoggerService,
  RootLoggerService,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import {
  createEmulator,
  demoSeed,
  Emulator,
  EmulatorSeed,
} from '@internal/ado-emulator';
import express from 'express';
import { Knex } from 'knex';
import {
  IncomingMessage,
  request as httpRequest,
  Server,
  ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { isPostgres } from '../../database/tables';
import { azureDevOpsSyncPlugin } from '../../plugin';
import { DEMO_ENTITIES } from '../../__testUtils__/startPlugin';
import { user } from '../../__testUtils__/syncHarness';

export { user };
export const API = '/api/azure-devops-sync';

/**
 * Size multiplier of every reliability suite: `RELIABILITY_SCALE=10 npm run test:reliability`.
 * The default keeps all suites together within a few minutes on two cores (they also run in the
 * normal `npm test`).
 */
export const SCALE = (() => {
  const value = Number(process.env.RELIABILITY_SCALE ?? '1');
  return Number.isFinite(value) && value > 0 ? value : 1;
})();

/** `base × RELIABILITY_SCALE`, or the suite's own env var when set. */
export function sized(base: number, envName?: string): number {
  const own = envName ? Number(process.env[envName]) : NaN;
  if (Number.isFinite(own) && own > 0) return Math.round(own);
  return Math.max(1, Math.round(base * SCALE));
}

const figures: string[] = [];

/**
 * Records a suite's figures; printed in afterAll with process.stderr.write, which --silent does not
 * hide (stdout writes from a test file were lost after the first one in some runs).
 */
export function report(suite: string, values: Record<string, unknown>) {
  figures.push(
    `[reliability] ${suite}: ${Object.entries(values)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(' ')}`,
  );
}

export function printReportAfterAll() {
  afterAll(() => {
    if (figures.length > 0) process.stderr.write(`\n${figures.join('\n')}\n`);
    figures.length = 0;
  });
}

// ---- logs and responses -------------------------------------------------------------------

/** Every log line of every backend started here, formatted with its metadata. */
export class CaptureLogger implements RootLoggerService {
  constructor(
    readonly lines: string[],
    private readonly meta: JsonObject = {},
  ) {}

  private write(level: string, message: string, meta?: Error | JsonObject) {
    let extra = '';
    if (meta instanceof Error) extra = ` ${meta.message} ${meta.stack ?? ''}`;
    else if (meta) extra = ` ${safeJson(meta)}`;
    const line = `${level} ${safeJson(this.meta)} ${message}${extra}`;
    this.lines.push(line);
    if (process.env.RELIABILITY_VERBOSE === '1')
      process.stderr.write(`${line}\n`);
  }
  error(message: string, meta?: Error | JsonObject) {
    this.write('error', message, meta);
  }
  warn(message: string, meta?: Error | JsonObject) {
    this.write('warn', message, meta);
  }
  info(message: string, meta?: Error | JsonObject) {
    this.write('info', message, meta);
  }
  debug(message: string, meta?: Error | JsonObject) {
    this.write('debug', message, meta);
  }
  child(meta: JsonObject): LoggerService {
    return new CaptureLogger(this.lines, { ...this.meta, ...meta });
  }
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v) =>
      v instanceof Error ? { message: v.message, stack: v.stack } : v,
    );
  } catch {
    return String(value);
  }
}

/** Records the body of every response a server sends. */
function captureResponses(server: Server, into: string[]) {
  server.prependListener(
    'request',
    (_req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      const keep = (chunk: unknown, encoding?: unknown) => {
        if (
          chunk === undefined ||
          chunk === null ||
          typeof chunk === 'function'
        )
          return;
        chunks.push(
          Buffer.isBuffer(chunk)
            ? chunk
            : Buffer.from(
                chunk as string,
                typeof encoding === 'string'
                  ? (encoding as BufferEncoding)
                  : 'utf8',
              ),
        );
      };
      const write = res.write.bind(res) as (...args: any[]) => boolean;
      const end = res.end.bind(res) as (...args: any[]) => ServerResponse;
      (res as any).write = (...args: any[]) => {
        keep(args[0], args[1]);
        return write(...args);
      };
      (res as any).end = (...args: any[]) => {
        keep(args[0], args[1]);
        into.push(
          `${res.statusCode} ${JSON.stringify(
            res.getHeaders(),
          )} ${Buffer.concat(chunks).toString('utf8')}`,
        );
        return end(...args);
      };
    },
  );
}

// ---- the backend --------------------------------------------------------------------------

export interface ReliabilityBackend {
  server: Server;
  api: ReturnType<typeof request>;
  port: number;
  /** Runs the 5-second queue sweep once (the mock scheduler never runs it by itself). */
  sweep(): Promise<void>;
  logs: string[];
  responses: string[];
}

/** The plugin in a test backend with a capturing root logger and a scheduler we drive. */
export async function startBackend(options: {
  knex: Knex;
  integrations: JsonObject[];
  config?: JsonObject;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  entities?: Entity[];
  logs?: string[];
  responses?: string[];
}): Promise<ReliabilityBackend> {
  const logs = options.logs ?? [];
  const responses = options.responses ?? [];
  const scheduler = mockServices.scheduler() as unknown as {
    factory(o: { skipTaskRunOnStartup?: boolean }): any;
    triggerTask(id: string): Promise<void>;
  };
  const rootLogger = new CaptureLogger(logs);
  const { server } = await startTestBackend({
    features: [
      azureDevOpsSyncPlugin,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      createServiceFactory({
        service: coreServices.rootLogger,
        deps: {},
        factory: () => rootLogger,
      }),
      catalogServiceMock.factory({
        entities: options.entities ?? DEMO_ENTITIES,
      }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: { azure: options.integrations },
          azureDevOpsSync: {
            webhookBaseUrl: 'https://backstage.example.com',
            client: { maxAttempts: 2 },
            ...(options.config ?? {}),
          },
        },
      }),
    ],
  });
  captureResponses(server, responses);
  return {
    server,
    api: request(server),
    port: (server.address() as AddressInfo).port,
    sweep: () => scheduler.triggerTask('azure-devops-sync-queue-sweep'),
    logs,
    responses,
  };
}

// ---- the emulator, with a timestamped request log --------------------------------------------

export interface EmulatorRequest {
  at: number;
  doneAt?: number;
  method: string;
  path: string;
  status?: number;
  retryAfter?: string;
  authorization?: string;
}

export interface LoggedEmulator {
  emulator: Emulator;
  url: string;
  port: number;
  /** Non-admin requests, in arrival order, with the time they arrived and were answered. */
  requests: EmulatorRequest[];
  admin(path: string, body: unknown): Promise<any>;
  close(): Promise<void>;
}

/** The emulator behind a thin express app that timestamps every request and its answer. */
export async function startLoggedEmulator(
  options: {
    seed?: EmulatorSeed;
    /** Runs before the emulator on every request (after the log), e.g. to hold some. */
    gate?: express.RequestHandler;
    /** Service hook retry delays (default 50, 100, 200 ms). */
    deliveryRetryDelaysMs?: number[];
  } = {},
): Promise<LoggedEmulator> {
  const requests: EmulatorRequest[] = [];
  const holder: { emulator?: Emulator } = {};
  const outer = express();
  outer.use((req, res, next) => {
    if (!req.originalUrl.startsWith('/_admin')) {
      const entry: EmulatorRequest = {
        at: Date.now(),
        method: req.method,
        path: req.originalUrl,
        authorization: req.get('authorization'),
      };
      requests.push(entry);
      res.on('finish', () => {
        entry.doneAt = Date.now();
        entry.status = res.statusCode;
        const retryAfter = res.getHeader('retry-after');
        if (retryAfter !== undefined) entry.retryAfter = String(retryAfter);
      });
    }
    next();
  });
  if (options.gate) outer.use(options.gate);
  outer.use((req, res, next) => holder.emulator!.app(req, res, next));
  const server = await new Promise<Server>((resolve, reject) => {
    const s = outer.listen(0, '127.0.0.1');
    s.once('error', reject);
    s.once('listening', () => resolve(s));
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const e = createEmulator({
    seed: options.seed ?? demoSeed,
    publicUrl: url,
    deliveryRetryDelaysMs: options.deliveryRetryDelaysMs ?? [50, 100, 200],
  });
  holder.emulator = e;
  return {
    emulator: e,
    url,
    port,
    requests,
    async admin(path, body) {
      const res = await fetch(`${url}/_admin${path}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = await res.json();
      if (!res.ok)
        throw new Error(`admin ${path}: ${res.status} ${JSON.stringify(json)}`);
      return json;
    },
    close: () =>
      new Promise<void>((done, fail) => {
        server.closeAllConnections?.();
        server.close(err => (err ? fail(err) : done()));
      }),
  };
}

/** A copy of the demo seed whose service account PAT is `pat`. */
export function seedWithPat(pat: string): EmulatorSeed {
  const seed: EmulatorSeed = JSON.parse(JSON.stringify(demoSeed));
  seed.pats = seed.pats.map(p =>
    p.token === 'demo-pat' ? { ...p, token: pat } : p,
  );
  return seed;
}

// ---- connecting and seeding -----------------------------------------------------------------

/** What the seeding helpers need: an in-process test backend or a backend process. */
export type BackendApi = Pick<ReliabilityBackend, 'api' | 'port'>;

export interface ConnectedOrg {
  organizationId: string;
  externalId: string;
  subscriptionId: string;
  secret: string;
  paymentsProjectId: string;
  webhookUrl: string;
}

/**
 * Connects the emulator's `fabrikam` and points its service hooks at this backend (or `hookUrl`),
 * with two-way sync on and `Done` as Payments' only done state.
 */
export async function connectFabrikam(
  backend: BackendApi,
  emu: LoggedEmulator,
  options: { hookUrl?: string; config?: JsonObject } = {},
): Promise<ConnectedOrg> {
  const connected = await backend.api
    .post(`${API}/organizations`)
    .set('Authorization', user)
    .send({ name: `${emu.url}/fabrikam/` });
  if (connected.status !== 201)
    throw new Error(`connect: ${connected.status} ${connected.text}`);
  const organizationId: string = connected.body.id;
  const hooks = emu.emulator.state.org('fabrikam')!.subscriptions;
  const sub = hooks.get(connected.body.subscription.id)!;
  const webhookUrl = `http://127.0.0.1:${backend.port}${API}/webhooks/workitem`;
  // Every hook (one per event type) comes to this backend; `secret` is the updated hook's.
  // Through a `hookUrl` (a proxy a model drives) only the updated hook's deliveries: the
  // models know no other event type, so the other hooks are switched off.
  for (const hook of hooks.values()) {
    if (!options.hookUrl) hook.consumerInputs.url = webhookUrl;
    else if (hook === sub) hook.consumerInputs.url = options.hookUrl;
    else hook.status = 'disabledByUser';
  }
  const secret = String(sub.consumerInputs.httpHeaders).replace(
    /^Shared-Secret:/,
    '',
  );
  const config = await backend.api
    .get(`${API}/organizations/${organizationId}/config`)
    .set('Authorization', user);
  const paymentsProjectId: string =
    config.body.fields[0].addDropdown.items.find(
      (p: any) => p.label === 'Payments',
    ).value;
  const put = await backend.api
    .put(`${API}/organizations/${organizationId}/config`)
    .set('Authorization', user)
    .send({
      sync_status_reverse: true,
      sync_reverse_assignment: true,
      sync_forward_assignment: true,
      sync_comments: true,
      inbound_done_states: { [paymentsProjectId]: ['Done'] },
      ...(options.config ?? {}),
    });
  if (put.status !== 200) throw new Error(`config: ${put.status} ${put.text}`);
  const orgs = await backend.api
    .get(`${API}/organizations`)
    .set('Authorization', user);
  return {
    organizationId,
    externalId: orgs.body.items.find((o: any) => o.id === organizationId)
      .externalId,
    subscriptionId: sub.id,
    secret,
    paymentsProjectId,
    webhookUrl,
  };
}

/** Outbound status sync for Payments: resolve → `Done`, unresolve → `Committed`. */
export async function mapPaymentsStatus(
  backend: BackendApi,
  org: ConnectedOrg,
): Promise<void> {
  await backend.api
    .put(`${API}/organizations/${org.organizationId}/config`)
    .set('Authorization', user)
    .send({
      sync_status_forward: {
        [org.paymentsProjectId]: {
          on_resolve: 'Done',
          on_unresolve: 'Committed',
        },
      },
    })
    .expect(200);
}

/** One service hook delivery as ADO sent it. */
export interface CapturedDelivery {
  body: Buffer;
  secret: string;
  workItemId: number;
  rev: number;
  eventType: string;
}

/** Reads a delivery posted to a test's hook endpoint (mounted with `express.raw`). */
export function captureHookDelivery(req: express.Request): CapturedDelivery {
  const body = req.body as Buffer;
  const parsed = JSON.parse(body.toString('utf8'));
  return {
    body,
    secret: String(req.get('shared-secret') ?? ''),
    workItemId: Number(parsed.resource?.workItemId ?? parsed.resource?.id),
    rev: Number(parsed.resource?.rev),
    eventType: parsed.eventType,
  };
}

/** `count` distinct issues of payments-api (one error event each, in batches). */
export async function createIssues(
  backend: BackendApi,
  count: number,
  tag = 'Rel',
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 500) {
    const batch = Array.from(
      { length: Math.min(500, count - start) },
      (_, k) => {
        const i = start + k;
        return {
          entityRef: 'component:default/payments-api',
          exception: {
            values: [
              {
                type: `${tag}Error${i}`,
                value: `failure number ${i}`,
                stacktrace: {
                  frames: [
                    { module: `mod${i}`, function: `fn${i}`, in_app: true },
                  ],
                },
              },
            ],
          },
        };
      },
    );
    const res = await backend.api
      .post(`${API}/events`)
      .set('Authorization', user)
      .send(batch);
    if (res.status !== 201)
      throw new Error(`events: ${res.status} ${res.text}`);
    ids.push(...res.body.items.map((it: any) => it.issueId as string));
  }
  if (new Set(ids).size !== count)
    throw new Error(`expected ${count} distinct issues, got ${ids.length}`);
  return ids;
}

/** A new Payments bug in the emulator; returns its id. */
export async function createBug(
  emu: LoggedEmulator,
  title: string,
  state = 'New',
): Promise<number> {
  const wi = await emu.admin('/fabrikam/workitems', {
    project: 'Payments',
    type: 'Bug',
    fields: { 'System.Title': title, 'System.State': state },
  });
  return wi.id as number;
}

export async function linkIssue(
  backend: BackendApi,
  issueId: string,
  organizationId: string,
  workItemId: number,
) {
  const res = await backend.api
    .post(`${API}/issues/${issueId}/links`)
    .set('Authorization', user)
    .send({ organizationId, workItemId });
  if (res.status !== 201) throw new Error(`link: ${res.status} ${res.text}`);
}

/**
 * A `workitem.updated` delivery shaped like ADO's (resourceVersion 1.0) for revision `rev`, which
 * moves the work item from state `from` to `to` and, with `comment`, adds that comment.
 */
export function workItemUpdate(
  org: ConnectedOrg,
  workItemId: number,
  rev: number,
  change: { from: string; to: string; comment?: string },
): string {
  const base = `http://127.0.0.1/fabrikam/${org.paymentsProjectId}/_apis/wit/workItems/${workItemId}`;
  const fields: Record<string, { oldValue?: unknown; newValue: unknown }> = {
    'System.Rev': { oldValue: rev - 1, newValue: rev },
    'System.State': { oldValue: change.from, newValue: change.to },
  };
  if (change.comment) fields['System.History'] = { newValue: change.comment };
  return JSON.stringify({
    subscriptionId: org.subscriptionId,
    notificationId: rev,
    id: `${workItemId}-${rev}`,
    eventType: 'workitem.updated',
    publisherId: 'tfs',
    resource: {
      id: rev,
      workItemId,
      rev,
      revisedBy: {
        displayName: 'Carol',
        uniqueName: 'carol@example.com',
        id: '21354f98-ab06-67d9-b974-5a54d992082e',
      },
      revisedDate: '9999-01-01T00:00:00Z',
      fields,
      url: `${base}/updates/${rev}`,
      revision: {
        id: workItemId,
        rev,
        fields: {
          'System.TeamProject': 'Payments',
          'System.WorkItemType': 'Bug',
          'System.State': change.to,
          'System.Title': `work item ${workItemId}`,
        },
        url: `${base}/revisions/${rev}`,
      },
    },
    resourceVersion: '1.0',
    resourceContainers: {
      collection: { id: org.externalId },
      account: { id: org.externalId },
      project: { id: org.paymentsProjectId },
    },
    createdDate: new Date().toISOString(),
  });
}

// ---- database dumps ------------------------------------------------------------------------

export async function pluginTables(knex: Knex): Promise<string[]> {
  const names: string[] = isPostgres(knex)
    ? (
        await knex.raw(
          `SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
        )
      ).rows.map((r: any) => r.name)
    : (
        await knex.raw(
          `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`,
        )
      ).map((r: any) => r.name);
  return names.filter(n => !n.startsWith('knex_migrations')).sort();
}

function cell(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('hex');
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/**
 * Every row of every plugin table, serialized and sorted, per table. `skip` leaves out rows the
 * product documents as changing on bad input.
 */
export async function dumpTables(
  knex: Knex,
  tables: string[],
  skip?: (table: string, row: Record<string, unknown>) => boolean,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of tables) {
    const rows: Record<string, unknown>[] = await knex(table).select();
    out[table] = rows
      .filter(row => !skip?.(table, row))
      .map(row =>
        JSON.stringify(
          Object.keys(row)
            .sort()
            .map(k => [k, cell(row[k])]),
        ),
      )
      .sort();
  }
  return out;
}

/**
 * One round trip that changes whenever any plugin row changes (PostgreSQL: one query with every
 * table as JSON; SQLite: the per-table dump, which is in-process and cheap). `exclude` holds SQL
 * conditions of rows to leave out, per table.
 */
export async function fingerprint(
  knex: Knex,
  tables: string[],
  exclude: Record<string, string> = {},
): Promise<string> {
  if (!isPostgres(knex)) {
    return JSON.stringify(
      await dumpTables(knex, tables, (table, row) =>
        exclude[table] ? sqliteExcluded(exclude[table], row) : false,
      ),
    );
  }
  const parts = tables.map(
    t =>
      `(SELECT coalesce(json_agg(row_to_json(x)::text ORDER BY row_to_json(x)::text), '[]'::json) FROM "${t}" x${
        exclude[t] ? ` WHERE NOT (${exclude[t]})` : ''
      }) AS "${t}"`,
  );
  const result = await knex.raw(`SELECT ${parts.join(', ')}`);
  return JSON.stringify(result.rows[0]);
}

/** The only exclusion used on SQLite: `outcome = 'invalid'`-style equality tests. */
function sqliteExcluded(condition: string, row: Record<string, unknown>) {
  const m = /^(\w+) = '([^']*)'$/.exec(condition);
  if (!m) throw new Error(`Unsupported exclusion ${condition}`);
  return row[m[1]] === m[2];
}

/** Polls until `probe` returns something truthy, running the queue sweep between polls. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  options: { ms?: number; sweep?: () => Promise<void>; everyMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + (options.ms ?? 60_000);
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    if (options.sweep) await options.sweep();
    await new Promise(r => setTimeout(r, options.everyMs ?? 100));
  }
}

/** Deterministic PRNG for shuffles (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1e9);

// ---- raw HTTP (supertest JSON-serializes Buffers; these bytes go out as they are) -------------

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: any;
}

export function rawRequest(
  port: number,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let payload: Buffer | undefined;
    if (Buffer.isBuffer(body)) payload = body;
    else if (body !== undefined) payload = Buffer.from(body, 'utf8');
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: {
          ...(payload ? { 'Content-Length': String(payload.length) } : {}),
          ...headers,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text,
            body: parsed,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (payload) req.write(payload);
    req.end();
  });
}
