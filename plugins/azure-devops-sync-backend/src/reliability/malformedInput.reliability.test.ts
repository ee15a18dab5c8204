import fc from 'fast-check';
import { Knex } from 'knex';
import { setupServer } from 'msw/node';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  fixture,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import {
  API,
  connectFabrikam,
  ConnectedOrg,
  createBug,
  createIssues,
  dumpTables,
  fingerprint,
  linkIssue,
  LoggedEmulator,
  pluginTables,
  printReportAfterAll,
  rawRequest,
  RawResponse,
  ReliabilityBackend,
  report,
  SEED,
  sized,
  startBackend,
  startLoggedEmulator,
  user,
} from './__testUtils__/harness';

/**
 * Malformed input: fuzzed and hand-picked bad requests to the webhook, `POST /events`,
 * `PUT /organizations/:id/config`, `PATCH /issues/:id` and `POST /issues/:id/links`. Every answer
 * is a 4xx with a JSON error message (an unknown webhook event type is the documented 2xx
 * "ignored"), the backend keeps answering, and no plugin table changes, except the documented
 * per-entity `invalid` counter of `event_outcomes` that `POST /events` bumps for rejected events
 * of known entities (errorEvents/errorEventsRouter.ts: `events.recordInvalid`).
 *
 * Size: RELIABILITY_MALFORMED_CASES (default 1,000 × RELIABILITY_SCALE per database).
 */
jest.setTimeout(600_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
printReportAfterAll();

const TOTAL = sized(1000, 'RELIABILITY_MALFORMED_CASES');
/** Share of the fuzzed cases per route. */
const SHARE = {
  webhookBody: 0.12,
  webhookMutated: 0.2,
  events: 0.2,
  config: 0.16,
  patch: 0.16,
  links: 0.16,
};
const runs = (share: number) => Math.max(10, Math.round(TOTAL * share));

/** Regression checks for product bugs these suites found (now fixed). */
const regression = it;

const HANDLED = ['workitem.updated', 'workitem.commented', 'workitem.deleted'];
const KNOWN_ENTITY = 'component:default/payments-api';

/**
 * What the webhook once took as a work item id (integers 0..2^31-1, also as strings). These are
 * left out here; the parser now refuses the strings and 0 too (src/api/serviceHook.test.ts).
 */
function isWorkItemIdLike(value: unknown): boolean {
  const n =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return (
    typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 2 ** 31 - 1
  );
}

/** The documented exception: rejected events of known entities bump this counter. */
const DOCUMENTED_WRITES = { event_outcomes: "outcome = 'invalid'" };
const skipDocumented = (table: string, row: Record<string, unknown>) =>
  table === 'event_outcomes' && row.outcome === 'invalid';

/** Any JSON value that is not a usable id, event type or object where one is needed. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), {
    maxKeys: 4,
  }),
);

const deepNesting = (depth: number, leaf = '1') =>
  `${'['.repeat(depth)}${leaf}${']'.repeat(depth)}`;

describe.each(databases.eachSupportedId())(
  'reliability: malformed input (%s)',
  databaseId => {
    let knex: Knex;
    let emu: LoggedEmulator;
    let backend: ReliabilityBackend;
    let org: ConnectedOrg;
    let issueId: string;
    let workItemId: number;
    let tables: string[];
    let baseline: Record<string, string[]>;
    let baselinePrint: string;
    const tally = {
      cases: 0,
      byStatus: {} as Record<string, number>,
      byRoute: {} as Record<string, number>,
      failures: 0,
      dumpMs: 0,
      knownBug: 0,
      requestMs: {} as Record<string, number>,
    };
    const started = Date.now();

    beforeAll(async () => {
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
      org = await connectFabrikam(backend, emu);
      [issueId] = await createIssues(backend, 1, 'Malformed');
      workItemId = await createBug(emu, 'malformed-input target');
      await linkIssue(backend, issueId, org.organizationId, workItemId);
      await emu.emulator.whenDeliveriesIdle();
      // Let the queue settle so nothing moves under the comparisons.
      await backend.sweep();
      tables = await pluginTables(knex);
      baseline = await dumpTables(knex, tables, skipDocumented);
      baselinePrint = await fingerprint(knex, tables, DOCUMENTED_WRITES);
    });

    afterAll(async () => {
      report(`malformed input (${databaseId})`, {
        cases: tally.cases,
        failures: tally.failures,
        regressionCases: tally.knownBug,
        statuses: tally.byStatus,
        routes: tally.byRoute,
        seed: SEED,
        dumpMs: tally.dumpMs,
        requestMs: tally.requestMs,
        wallMs: Date.now() - started,
      });
      await emu?.close();
    });

    /** Sends one bad request and checks the contract; throws (for fast-check to shrink) if broken. */
    async function expectRejected(
      route: string,
      send: () => Promise<RawResponse>,
      expected?: number | ((status: number) => boolean),
      opts: { allowIgnored?: boolean } = {},
    ) {
      tally.cases += 1;
      const routeKey = route.split(' (')[0];
      tally.byRoute[routeKey] = (tally.byRoute[routeKey] ?? 0) + 1;
      let res: RawResponse;
      const sentAt = Date.now();
      try {
        res = await send();
      } catch (error) {
        tally.failures += 1;
        throw error;
      }
      tally.byStatus[res.status] = (tally.byStatus[res.status] ?? 0) + 1;
      tally.requestMs[routeKey] =
        (tally.requestMs[routeKey] ?? 0) + (Date.now() - sentAt);
      try {
        if (opts.allowIgnored && res.status === 200) {
          expect(res.body).toMatchObject({ status: 'ignored' });
        } else {
          expect({ status: res.status, text: res.text.slice(0, 300) }).toEqual(
            expect.objectContaining({
              status: expect.any(Number),
            }),
          );
          if (res.status < 400 || res.status >= 500) {
            throw new Error(
              `${route}: expected a 4xx, got ${res.status}: ${res.text.slice(
                0,
                500,
              )}`,
            );
          }
          if (typeof expected === 'number') expect(res.status).toBe(expected);
          if (typeof expected === 'function' && !expected(res.status))
            throw new Error(`${route}: unexpected status ${res.status}`);
          expect(res.headers['content-type']).toMatch(/application\/json/);
          expect(typeof res.body?.error?.message).toBe('string');
          expect(res.body.error.message.length).toBeGreaterThan(0);
        }
        const dumpStart = Date.now();
        const print = await fingerprint(knex, tables, DOCUMENTED_WRITES);
        tally.dumpMs += Date.now() - dumpStart;
        if (print !== baselinePrint) {
          const after = await dumpTables(knex, tables, skipDocumented);
          throw new Error(
            `${route}: the database changed on bad input (status ${
              res.status
            })\n${tables
              .filter(
                t => JSON.stringify(after[t]) !== JSON.stringify(baseline[t]),
              )
              .map(
                t =>
                  `${t} before: ${baseline[t]
                    .join('\n')
                    .slice(0, 1500)}\n${t} after:  ${after[t]
                    .join('\n')
                    .slice(0, 1500)}`,
              )
              .join('\n')}`,
          );
        }
      } catch (error) {
        tally.failures += 1;
        throw new Error(
          `${route}: ${(error as Error).message}\nanswer: ${
            res.status
          } ${res.text.slice(0, 300)}`,
        );
      }
    }

    const webhook = (
      body: string | Buffer,
      headers: Record<string, string> = {},
    ) =>
      rawRequest(backend.port, 'POST', `${API}/webhooks/workitem`, body, {
        'content-type': 'application/json',
        ...headers,
      });
    const send = (method: string, path: string, body: unknown) =>
      rawRequest(
        backend.port,
        method,
        `${API}${path}`,
        typeof body === 'string' ? body : JSON.stringify(body),
        { 'content-type': 'application/json', authorization: user },
      );

    /** A valid delivery for the linked work item, as the emulator would send it. */
    const validDelivery = (rev = 1_000_000) => {
      const d = fixture('hook-workitem-updated.json');
      d.resourceContainers.collection.id = org.externalId;
      d.resourceContainers.project.id = org.paymentsProjectId;
      d.resource.workItemId = workItemId;
      d.resource.rev = rev;
      delete d.resource.revision;
      d.resource.fields = {
        'System.State': { oldValue: 'New', newValue: 'Done' },
      };
      return d;
    };

    it('webhook: arbitrary bodies (bytes, text, JSON that is no delivery) → 400', async () => {
      expect.hasAssertions();
      const body = fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map(b => Buffer.from(b)),
        fc.jsonValue({ maxDepth: 4 }).map(v => JSON.stringify(v)),
        fc
          .jsonValue({ maxDepth: 3 })
          .map(v => Buffer.from(`\ufeff${JSON.stringify(v)}`, 'utf8')),
      );
      const contentType = fc.constantFrom(
        'application/json',
        'text/plain',
        'application/octet-stream',
        'application/x-www-form-urlencoded',
      );
      await fc.assert(
        fc.asyncProperty(
          body,
          contentType,
          fc.boolean(),
          async (b, ct, withSecret) => {
            // A random JSON value naming an event type and a collection would not be junk.
            const text = Buffer.isBuffer(b) ? b.toString('utf8') : b;
            fc.pre(!/eventType/.test(text) || !/collection/.test(text));
            await expectRejected(
              'webhook',
              () =>
                webhook(b, {
                  'content-type': ct,
                  ...(withSecret ? { 'Shared-Secret': org.secret } : {}),
                }),
              400,
            );
          },
        ),
        { numRuns: runs(SHARE.webhookBody), seed: SEED },
      );
    });

    it('webhook: deliveries with one part wrong → 4xx (unknown event type: 200 ignored)', async () => {
      expect.hasAssertions();
      type Mutation =
        | { kind: 'eventType'; value: unknown }
        | { kind: 'unknownEventType'; value: string }
        | { kind: 'collection'; value: unknown }
        | { kind: 'unknownCollection'; value: string }
        | { kind: 'secret'; value: string | null }
        | { kind: 'workItemId'; value: unknown }
        | { kind: 'resource'; value: unknown }
        | { kind: 'hugeWorkItemId'; size: number };
      const mutation: fc.Arbitrary<Mutation> = fc.oneof(
        junk
          .filter(v => typeof v !== 'string' || v === '')
          .map(value => ({ kind: 'eventType' as const, value })),
        fc
          .string({ minLength: 1, maxLength: 60 })
          .filter(s => !HANDLED.includes(s))
          .map(value => ({ kind: 'unknownEventType' as const, value })),
        junk
          .filter(v => typeof v !== 'string' || v === '')
          .map(value => ({ kind: 'collection' as const, value })),
        fc.uuid().map(value => ({ kind: 'unknownCollection' as const, value })),
        fc
          .option(fc.string({ maxLength: 80 }), { nil: null })
          .map(value => ({ kind: 'secret' as const, value })),
        junk
          .filter(v => !isWorkItemIdLike(v))
          .map(value => ({ kind: 'workItemId' as const, value })),
        fc
          .oneof(
            fc.string(),
            fc.integer(),
            fc.constant(null),
            fc.boolean(),
            fc.array(fc.integer()),
          )
          .map(value => ({ kind: 'resource' as const, value })),
        fc
          .integer({ min: 1000, max: 300_000 })
          .map(size => ({ kind: 'hugeWorkItemId' as const, size })),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...HANDLED),
          mutation,
          fc.boolean(),
          async (eventType, m, bom) => {
            const d = validDelivery();
            d.eventType = eventType;
            if (eventType !== 'workitem.updated') d.resource.id = workItemId;
            let secret: string | null = org.secret;
            let expected: number | undefined;
            let allowIgnored = false;
            switch (m.kind) {
              case 'eventType':
                d.eventType = m.value;
                expected = 400;
                break;
              case 'unknownEventType':
                d.eventType = m.value;
                allowIgnored = true;
                break;
              case 'collection':
                d.resourceContainers.collection.id = m.value;
                expected = 400;
                break;
              case 'unknownCollection':
                d.resourceContainers.collection.id = m.value;
                expected = 400;
                break;
              case 'secret':
                fc.pre(m.value !== org.secret);
                secret = m.value;
                expected = 401;
                break;
              case 'workItemId':
                if (eventType === 'workitem.updated')
                  d.resource.workItemId = m.value;
                else d.resource.id = m.value;
                expected = 400;
                break;
              case 'resource':
                d.resource = m.value;
                expected = 400;
                break;
              case 'hugeWorkItemId':
                if (eventType === 'workitem.updated')
                  d.resource.workItemId = 'x'.repeat(m.size);
                else d.resource.id = 'x'.repeat(m.size);
                expected = 400;
                break;
              default:
                break;
            }
            const text = JSON.stringify(d);
            await expectRejected(
              'webhook',
              () =>
                webhook(bom ? Buffer.from(`\ufeff${text}`, 'utf8') : text, {
                  ...(secret !== null ? { 'Shared-Secret': secret } : {}),
                }),
              expected,
              { allowIgnored },
            );
          },
        ),
        { numRuns: runs(SHARE.webhookMutated), seed: SEED },
      );
    });

    it('webhook: hand-picked cases', async () => {
      expect.hasAssertions();
      const valid = JSON.stringify(validDelivery());
      const cases: Array<
        [string, () => Promise<RawResponse>, number | undefined, boolean?]
      > = [
        ['empty body', () => webhook(''), 400],
        [
          'JSON body as text/plain, no secret',
          () => webhook(valid, { 'content-type': 'text/plain' }),
          401,
        ],
        ['"null"', () => webhook('null'), 400],
        ['truncated JSON', () => webhook(valid.slice(0, -1)), 400],
        [
          'BOM + truncated JSON',
          () => webhook(Buffer.from(`\ufeff${valid.slice(0, 50)}`)),
          400,
        ],
        ['UTF-16 body', () => webhook(Buffer.from(valid, 'utf16le')), 400],
        ['no secret', () => webhook(valid), 401],
        [
          'BOM + wrong secret',
          () =>
            webhook(Buffer.from(`\ufeff${valid}`), {
              'Shared-Secret': `${org.secret}x`,
            }),
          401,
        ],
        [
          'secret with a different case',
          () =>
            webhook(valid, {
              'Shared-Secret':
                org.secret.toUpperCase() === org.secret
                  ? org.secret.toLowerCase()
                  : org.secret.toUpperCase(),
            }),
          401,
        ],
        [
          'secret prefix',
          () => webhook(valid, { 'Shared-Secret': org.secret.slice(0, -1) }),
          401,
        ],
        [
          'deep nesting 100,000 (array)',
          () => webhook(deepNesting(100_000)),
          400,
        ],
        [
          'deep nesting as resource',
          () =>
            webhook(
              valid.replace(
                /"resource":\{/,
                `"resource":{"deep":${deepNesting(5_000)},`,
              ),
              {},
            ),
          401,
        ],
        [
          'deep nesting as work item id',
          () =>
            webhook(
              valid.replace(
                /"workItemId":\d+/,
                `"workItemId":${deepNesting(20_000)}`,
              ),
              { 'Shared-Secret': org.secret },
            ),
          400,
        ],
        [
          'oversized body (1 MiB + 1)',
          () => webhook(Buffer.alloc(1024 * 1024 + 1, 0x20)),
          413,
        ],
        [
          'oversized valid-looking delivery (2 MiB)',
          () =>
            webhook(
              JSON.stringify({
                ...validDelivery(),
                padding: 'p'.repeat(2 * 1024 * 1024),
              }),
              { 'Shared-Secret': org.secret },
            ),
          413,
        ],
        [
          'huge event type (ignored)',
          () => webhook(valid.replace('workitem.updated', 'e'.repeat(500_000))),
          undefined,
          true,
        ],
        [
          'negative work item id',
          () =>
            webhook(valid.replace(/"workItemId":\d+/, '"workItemId":-5'), {
              'Shared-Secret': org.secret,
            }),
          400,
        ],
        [
          'work item id 2^31',
          () =>
            webhook(
              valid.replace(/"workItemId":\d+/, `"workItemId":${2 ** 31}`),
              { 'Shared-Secret': org.secret },
            ),
          400,
        ],
        [
          'work item id 1e400',
          () =>
            webhook(valid.replace(/"workItemId":\d+/, '"workItemId":1e400'), {
              'Shared-Secret': org.secret,
            }),
          400,
        ],
        [
          'missing resourceContainers',
          () =>
            webhook(
              JSON.stringify({ ...validDelivery(), resourceContainers: {} }),
              { 'Shared-Secret': org.secret },
            ),
          400,
        ],
        [
          'missing work item id',
          () =>
            webhook(
              JSON.stringify({
                ...validDelivery(),
                resource: { rev: 3, fields: {} },
              }),
              { 'Shared-Secret': org.secret },
            ),
          400,
        ],
        [
          'prototype pollution keys',
          () =>
            webhook(
              '{"__proto__":{"eventType":"workitem.updated"},"constructor":{"prototype":{"x":1}}}',
            ),
          400,
        ],
      ];
      for (const [name, sendCase, expected, ignored] of cases) {
        await expectRejected(`webhook (${name})`, sendCase, expected, {
          allowIgnored: ignored,
        });
      }
    });

    const postEvents = (body: unknown, raw = false) =>
      send('POST', '/events', raw ? (body as string) : JSON.stringify(body));

    it('POST /events: invalid events and batches → 400', async () => {
      expect.hasAssertions();
      const goodEvent = {
        entityRef: KNOWN_ENTITY,
        exception: {
          values: [{ type: 'FuzzError', value: 'should never be stored' }],
        },
      };
      const badEvent = fc.oneof(
        // not an object
        fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
        // entityRef of the wrong type or missing
        fc.record({
          entityRef: junk.filter(v => typeof v !== 'string'),
          message: fc.string(),
        }),
        fc.record({ message: fc.string(), level: fc.constant('error') }),
        // an entity the catalog does not have
        fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/).map(name => ({
          entityRef: `component:default/nope-${name}`,
          message: 'x',
        })),
        // a known entity with a field of the wrong type
        fc
          .string({ maxLength: 20 })
          .filter(s => !['error', 'default', 'transaction'].includes(s))
          .map(type => ({ entityRef: KNOWN_ENTITY, type })),
        fc.constantFrom(
          { entityRef: KNOWN_ENTITY, exception: 42 },
          { entityRef: KNOWN_ENTITY, fingerprint: 'not-an-array' },
          { entityRef: KNOWN_ENTITY, tags: 7 },
          { entityRef: KNOWN_ENTITY, type: 'transaction' },
          { entityRef: 'not a ref at all', message: 'x' },
          { entityRef: '', message: 'x' },
        ),
      );
      const body = fc.oneof(
        badEvent,
        fc
          .tuple(
            fc.array(fc.constant(goodEvent), { maxLength: 3 }),
            fc.array(badEvent, { minLength: 1, maxLength: 3 }),
            fc.boolean(),
          )
          .map(([good, bad, first]) =>
            first ? [...bad, ...good] : [...good, ...bad],
          ),
      );
      await fc.assert(
        fc.asyncProperty(body, async b => {
          await expectRejected('events', () => postEvents(b), 400);
        }),
        { numRuns: runs(SHARE.events), seed: SEED },
      );
      const hand: Array<[string, () => Promise<RawResponse>, number]> = [
        ['empty array', () => postEvents([]), 400],
        ['not JSON', () => postEvents('{"entityRef":', true), 400],
        ['deep nesting', () => postEvents(deepNesting(50_000), true), 400],
        [
          '1,001 events',
          () => postEvents(Array.from({ length: 1001 }, () => goodEvent)),
          400,
        ],
        [
          'over 10 MB',
          () =>
            postEvents({
              ...goodEvent,
              message: 'm'.repeat(10 * 1024 * 1024 + 10),
            }),
          413,
        ],
      ];
      for (const [name, sendCase, expected] of hand)
        await expectRejected(`events (${name})`, sendCase, expected);
    });

    const putConfig = (body: unknown, id = org.organizationId) =>
      send('PUT', `/organizations/${encodeURIComponent(id)}/config`, body);

    it('PUT /organizations/:id/config: invalid updates → 4xx', async () => {
      expect.hasAssertions();
      const known = [
        'sync_status_forward',
        'sync_forward_assignment',
        'sync_comments',
        'sync_status_reverse',
        'sync_reverse_assignment',
        'inbound_done_states',
      ];
      const body = fc.oneof(
        // top level of the wrong type
        fc.oneof(
          fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
          fc.string().map(s => JSON.stringify(s)),
          fc.integer().map(n => String(n)),
        ),
        // an unknown key
        fc
          .tuple(
            fc
              .string({ minLength: 1, maxLength: 20 })
              .filter(k => !known.includes(k) && k !== '__proto__'),
            fc.jsonValue({ maxDepth: 2 }),
          )
          .map(([k, v]) => ({ sync_comments: true, [k]: v })),
        // a flag that is not a boolean
        fc
          .tuple(
            fc.constantFrom(
              'sync_forward_assignment',
              'sync_comments',
              'sync_status_reverse',
              'sync_reverse_assignment',
            ),
            junk.filter(v => typeof v !== 'boolean'),
          )
          .map(([k, v]) => ({ [k]: v })),
        // a mapping row that is incomplete, of the wrong shape, or names no real project/state
        fc
          .oneof(
            fc.constant({ on_resolve: 'Done' }),
            fc.constant({ on_resolve: 'Done', on_unresolve: null }),
            fc.record({ on_resolve: junk, on_unresolve: junk }),
            fc.record({
              on_resolve: fc.constant('Done'),
              on_unresolve: fc.constant('Committed'),
              extra: fc.string(),
            }),
          )
          .map(row => ({
            sync_status_forward: { [org.paymentsProjectId]: row },
          })),
        fc.uuid().map(id => ({
          sync_status_forward: {
            [id]: { on_resolve: 'Done', on_unresolve: 'Committed' },
          },
        })),
        fc
          .string({ minLength: 1, maxLength: 30 })
          .filter(
            s =>
              !['New', 'Approved', 'Committed', 'Done', 'Removed'].includes(s),
          )
          .map(state => ({
            sync_status_forward: {
              [org.paymentsProjectId]: {
                on_resolve: state,
                on_unresolve: 'Committed',
              },
            },
          })),
        // done states that are not a list of real states
        fc
          .oneof(
            junk.filter(v => !Array.isArray(v)),
            fc.array(
              fc
                .string({ minLength: 1, maxLength: 20 })
                .filter(
                  s =>
                    ![
                      'New',
                      'Approved',
                      'Committed',
                      'Done',
                      'Removed',
                    ].includes(s),
                ),
              { minLength: 1, maxLength: 3 },
            ),
          )
          .map(states => ({
            inbound_done_states: { [org.paymentsProjectId]: states },
          })),
        fc
          .string({ minLength: 257, maxLength: 400 })
          .map(s => ({ inbound_done_states: { [s]: ['Done'] } })),
      );
      await fc.assert(
        fc.asyncProperty(body, async b => {
          await expectRejected('config', () => putConfig(b), 400);
        }),
        { numRuns: Math.round(runs(SHARE.config) * 0.85), seed: SEED },
      );
      // Unknown organization ids, with otherwise valid bodies.
      await fc.assert(
        fc.asyncProperty(
          fc
            .string({ minLength: 1, maxLength: 60 })
            .filter(
              s =>
                s !== org.organizationId &&
                s.trim() !== '' &&
                !/[/\\?#%.]/.test(s),
            ),
          async id => {
            await expectRejected(
              'config (unknown organization)',
              () => putConfig({ sync_comments: false }, id),
              404,
            );
          },
        ),
        { numRuns: Math.round(runs(SHARE.config) * 0.15), seed: SEED },
      );
      await expectRejected(
        'config (not JSON)',
        () => putConfig('{"sync_comments": tru'),
        400,
      );
      await expectRejected(
        'config (deep nesting)',
        () => putConfig(`{"sync_comments":${deepNesting(50_000)}}`),
        400,
      );
      await expectRejected(
        'config (over 1 MiB)',
        () =>
          putConfig({
            inbound_done_states: {
              [org.paymentsProjectId]: ['x'.repeat(1024 * 1024)],
            },
          }),
        413,
      );
    });

    const patchIssue = (body: unknown, id = issueId) =>
      send('PATCH', `/issues/${encodeURIComponent(id)}`, body);

    it('PATCH /issues/:id: invalid changes → 4xx', async () => {
      expect.hasAssertions();
      const body = fc.oneof(
        fc.constant({}),
        fc
          .string({ maxLength: 30 })
          .filter(s => !['unresolved', 'resolved', 'ignored'].includes(s))
          .map(status => ({ status })),
        junk.filter(v => typeof v !== 'string').map(status => ({ status })),
        junk
          .filter(v => v !== null && typeof v !== 'string')
          .map(assignee => ({ assignee })),
        fc.stringMatching(/^\s{0,5}$/).map(assignee => ({ assignee })),
        fc
          .string({ minLength: 301, maxLength: 400 })
          .filter(s => s.trim().length > 300)
          .map(assignee => ({ assignee })),
        fc
          .stringMatching(/^[a-z]{1,20}$/)
          .map(name => ({ assignee: `user:default/nobody-${name}` })),
        // Not entity refs: an e-mail, a bare name, another kind.
        fc.emailAddress().map(assignee => ({ assignee })),
        fc.stringMatching(/^[a-z]{1,20}$/).map(assignee => ({ assignee })),
        fc
          .stringMatching(/^[a-z]{1,20}$/)
          .map(name => ({ assignee: `group:default/${name}` })),
        fc
          .tuple(
            fc
              .string({ minLength: 1, maxLength: 10 })
              .filter(k => !['status', 'assignee', '__proto__'].includes(k)),
            fc.jsonValue({ maxDepth: 1 }),
          )
          .map(([k, v]) => ({ status: 'resolved', [k]: v })),
        fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      );
      await fc.assert(
        fc.asyncProperty(body, async b => {
          await expectRejected('patch issue', () => patchIssue(b), 400);
        }),
        { numRuns: Math.round(runs(SHARE.patch) * 0.85), seed: SEED },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.uuid(),
          fc.constantFrom(
            { status: 'resolved' },
            { assignee: 'user:default/alice' },
          ),
          async (id, b) => {
            await expectRejected(
              'patch issue (unknown issue)',
              () => patchIssue(b, id),
              404,
            );
          },
        ),
        { numRuns: Math.round(runs(SHARE.patch) * 0.15), seed: SEED },
      );
      await expectRejected(
        'patch issue (not JSON)',
        () => patchIssue('{"status":'),
        400,
      );
      // Was a 500: the catalog client threw on a ref without a kind.
      const email = await patchIssue({ assignee: 'bob@example.com' });
      expect(email.status).toBe(400);
      expect(email.body.error.message).toBe(
        'Invalid issue update at assignee: must be a User entity ref, e.g. user:default/alice',
      );
    });

    const postLink = (body: unknown, id = issueId) =>
      send('POST', `/issues/${encodeURIComponent(id)}/links`, body);

    it('POST /issues/:id/links: invalid links → 4xx', async () => {
      expect.hasAssertions();
      const badWorkItemId = junk.filter(v => {
        if (Array.isArray(v) || typeof v === 'boolean') return false;
        let n: number;
        try {
          n = Number(v as any);
        } catch {
          return true;
        }
        return !(Number.isInteger(n) && n > 0);
      });
      const body = fc.oneof(
        badWorkItemId.map(w => ({
          organizationId: org.organizationId,
          workItemId: w,
        })),
        junk
          .filter(v => typeof v !== 'string' || v === '')
          .map(o => ({ organizationId: o, workItemId: workItemId })),
        fc.uuid().map(o => ({ organizationId: o, workItemId: workItemId })),
        // work items ADO does not have
        fc.integer({ min: 900_000, max: 2 ** 31 - 1 }).map(w => ({
          organizationId: org.organizationId,
          workItemId: w,
        })),
        fc
          .tuple(
            fc
              .string({ minLength: 1, maxLength: 10 })
              .filter(
                k =>
                  ![
                    'organizationId',
                    'workItemId',
                    'create',
                    '__proto__',
                  ].includes(k),
              ),
            fc.jsonValue({ maxDepth: 1 }),
          )
          .map(([k, v]) => ({
            organizationId: org.organizationId,
            workItemId: workItemId,
            [k]: v,
          })),
        fc
          .oneof(
            fc.constant({}),
            fc.record({ project: junk, workItemType: fc.constant('Bug') }),
            fc.record({
              project: fc.constant('Payments'),
              workItemType: fc.constant('Bug'),
              title: fc.string({ minLength: 10_001, maxLength: 10_050 }),
            }),
            fc.record({
              project: fc.constant('Payments'),
              workItemType: fc.constant('Bug'),
              tags: fc.constant(['']),
            }),
            fc.record({
              project: fc.constant('Payments'),
              workItemType: fc.constant('Bug'),
              unknown: fc.string(),
            }),
          )
          .map(create => ({ organizationId: org.organizationId, create })),
        fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
      );
      await fc.assert(
        fc.asyncProperty(body, async b => {
          await expectRejected(
            'link issue',
            () => postLink(b),
            s => [400, 404, 409].includes(s),
          );
        }),
        { numRuns: Math.round(runs(SHARE.links) * 0.9), seed: SEED },
      );
      await fc.assert(
        fc.asyncProperty(fc.uuid(), async id => {
          await expectRejected(
            'link issue (unknown issue)',
            () =>
              postLink({ organizationId: org.organizationId, workItemId }, id),
            404,
          );
        }),
        { numRuns: Math.round(runs(SHARE.links) * 0.1), seed: SEED },
      );
    });

    // Fixed product bug, before the valid delivery so no processing is still running: express.json() leaves a non-JSON body as `{}`,
    // which PUT /organizations/:id/config saves as an empty update (200, updated_at/updated_by
    // rewritten). Fixed: kept as a regression check.
    // eslint-disable-next-line jest/expect-expect
    regression(
      'PUT /organizations/:id/config with a text/plain body → 4xx, no write',
      async () => {
        const before = tally.failures;
        try {
          await expectRejected(
            'config (text/plain body)',
            () =>
              rawRequest(
                backend.port,
                'PUT',
                `${API}/organizations/${org.organizationId}/config`,
                'sync_comments=false',
                { 'content-type': 'text/plain', authorization: user },
              ),
            s => s === 400 || s === 415,
          );
        } finally {
          tally.knownBug += tally.failures - before;
          tally.failures = before;
        }
      },
    );

    it('stays up and still accepts a valid delivery afterwards', async () => {
      const health = await backend.api.get(`${API}/health`);
      expect(health.status).toBe(200);
      const ok = await webhook(JSON.stringify(validDelivery(1_000_001)), {
        'Shared-Secret': org.secret,
      });
      expect(ok.status).toBe(200);
      expect(ok.body.status).toBe('accepted');
      expect(backend.logs.filter(l => /status 5\d\d/.test(l))).toEqual([]);
      expect(tally.failures).toBe(0);
      expect(tally.cases).toBeGreaterThanOrEqual(TOTAL);
    });
  },
);
