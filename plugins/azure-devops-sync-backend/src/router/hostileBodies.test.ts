import { mockCredentials } from '@backstage/backend-test-utils';
import fc from 'fast-check';
import { Knex } from 'knex';
import { setupServer } from 'msw/node';
import type { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/databases';
import {
  ACCOUNT_ID,
  fakeAdoHandlers,
  fakeAdoState,
  fixture,
  registerMswHooksAllowingLocal,
} from '../__testUtils__/fakeAdo';
import { startPlugin } from '../__testUtils__/startPlugin';
import {
  dumpTables,
  fingerprint,
  pluginTables,
} from '../reliability/__testUtils__/harness';

/**
 * Hostile bodies for every JSON route of the plugin: wrong types, deep nesting, huge numbers,
 * unicode with lone surrogates, prototype keys, arrays where objects are expected and huge
 * strings within the size limit. Each must be a 4xx with a message, never a 5xx, and leave every
 * plugin table as it was. The webhook gets the right secret, so bodies reach its parser.
 * (src/reliability/malformedInput.reliability.test.ts fuzzes one mutation at a time against a
 * forked backend and the emulator; this one mixes several, in-process, on every route.)
 */
jest.setTimeout(120_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
const auth = mockCredentials.user.header();
const API = '/api/azure-devops-sync';
const KNOWN_ENTITY = 'component:default/payments-api';
/** Per route and database: 9 routes, so about a thousand requests per database (~5 s). */
const RUNS = Number(process.env.HOSTILE_BODY_RUNS ?? 100);
/** Rejected events of known entities bump this documented counter (errorEvents router). */
const DOCUMENTED_WRITES = { event_outcomes: "outcome = 'invalid'" };

// --- JSON text with what JSON.stringify cannot write: 1e400, -0, __proto__ keys, duplicates.
class Raw {
  constructor(readonly source: string) {}
}
class Obj {
  constructor(readonly entries: Array<[string, Json]>) {}
}
type Json = null | boolean | number | string | Raw | Obj | Json[];

function text(value: Json): string {
  if (value instanceof Raw) return value.source;
  if (value instanceof Obj) {
    return `{${value.entries
      .map(([k, v]) => `${JSON.stringify(k)}:${text(v)}`)
      .join(',')}}`;
  }
  if (Array.isArray(value)) return `[${value.map(text).join(',')}]`;
  return JSON.stringify(value);
}

/** A plain JS value as Json (so templates can be written as object literals). */
function json(value: unknown): Json {
  if (value === null || typeof value !== 'object') return value as Json;
  if (Array.isArray(value)) return value.map(json);
  return new Obj(Object.entries(value).map(([k, v]) => [k, json(v)]));
}

/** Sets a dotted path in an Obj, replacing the value there. */
function setPath(target: Obj, path: string, value: Json): Obj {
  const [head, ...rest] = path.split('.');
  const entries = target.entries.filter(([k]) => k !== head);
  const current = target.entries.find(([k]) => k === head)?.[1];
  const next =
    rest.length === 0
      ? value
      : setPath(
          current instanceof Obj ? current : new Obj([]),
          rest.join('.'),
          value,
        );
  return new Obj([...entries, [head, next]]);
}

// --- Arbitraries.
const deep = fc
  .integer({ min: 65, max: 3_000 })
  .chain(depth =>
    fc
      .constantFrom('[', '{"a":')
      .map(
        open =>
          new Raw(
            `${open.repeat(depth)}0${(open === '[' ? ']' : '}').repeat(depth)}`,
          ),
      ),
  );
const hugeNumber = fc
  .constantFrom(
    '1e308',
    '-1e308',
    '1e400',
    '-1e400',
    '9007199254740993',
    '123456789012345678901234567890',
    '-0',
    '4.9e-324',
    '2147483648',
  )
  .map(t => new Raw(t));
/** Strings of any UTF-16 code units, lone surrogates included (written as \u escapes). */
const unicode = fc.string({ unit: 'binary', maxLength: 40 });
const smallJson = fc.jsonValue({ maxDepth: 2 }).map(json);
const anArray = fc.array(smallJson, { maxLength: 4 });
const anObject = fc
  .dictionary(unicode, smallJson, { maxKeys: 4 })
  .map(d => json(d));
const notInteger = fc.oneof(
  fc.integer({ max: 0 }),
  fc.integer({ min: 2 ** 31, max: Number.MAX_SAFE_INTEGER }),
  fc
    .double({ noNaN: true, noDefaultInfinity: true })
    .filter(n => !Number.isInteger(n)),
  hugeNumber,
);

type Kind = 'string' | 'boolean' | 'int' | 'enum' | 'object' | 'nullableString';
/** Values a field of that kind must refuse (never null: some fields take null). */
function wrong(kind: Kind): fc.Arbitrary<Json> {
  const common = [hugeNumber, anArray, deep] as fc.Arbitrary<Json>[];
  switch (kind) {
    case 'string':
    case 'nullableString':
      return fc.oneof(...common, fc.integer(), fc.boolean(), anObject);
    case 'boolean':
      return fc.oneof(...common, fc.integer(), unicode, anObject);
    case 'enum':
      return fc.oneof(
        ...common,
        fc.integer(),
        fc.boolean(),
        anObject,
        unicode.map(s => `not-${s}`),
      );
    case 'object':
      return fc.oneof(hugeNumber, deep, fc.integer(), fc.boolean(), unicode);
    case 'int':
      return fc.oneof(
        notInteger,
        deep,
        unicode,
        fc.constantFrom('1e3', '12', ' 31', '0x1f'),
        fc.boolean(),
        anArray,
        anObject,
      );
    default:
      throw new Error(kind);
  }
}

interface Route {
  name: string;
  method: 'post' | 'put' | 'patch';
  path: () => string;
  /** A body the route accepts. */
  template: () => Obj;
  /** Fields the route reads, by kind; dotted paths reach into the template. */
  fields: Record<string, Kind>;
  headers?: () => Record<string, string>;
}

/** One hostile body for a route: a JSON text that route must refuse. */
function hostile(route: Route): fc.Arbitrary<{ what: string; body: string }> {
  const fieldNames = Object.keys(route.fields);
  const extras = fc.array(
    fc.oneof(
      fc
        .constantFrom('__proto__', 'constructor', 'prototype', 'toString')
        .chain(key => fc.constant<[string, Json]>([key, route.template()])),
      fc.constant<[string, Json]>([
        'constructor',
        new Obj([['prototype', route.template()]]),
      ]),
      fc.tuple(
        unicode,
        fc.oneof(
          unicode.map(s => s as Json),
          hugeNumber,
        ),
      ),
      // Huge strings, well within the 1 MiB limit.
      fc
        .integer({ min: 10_000, max: 400_000 })
        .map(n => ['padding', 'x'.repeat(n)] as [string, Json]),
    ),
    { maxLength: 3 },
  );
  const withExtras = (base: Obj, more: Array<[string, Json]>) =>
    new Obj([...base.entries, ...more]);

  const cases: Array<fc.Arbitrary<{ what: string; body: Json }>> = [
    fc
      .oneof(hugeNumber, fc.integer(), fc.boolean(), unicode, fc.constant(null))
      .map(body => ({ what: 'a JSON scalar', body: body as Json })),
    fc
      .array(fc.oneof(smallJson, deep), { maxLength: 4 })
      .map(body => ({ what: 'an array where an object is expected', body })),
    deep.map(body => ({ what: 'deep nesting as the body', body })),
    // The body the route accepts, with something nested too deep in it.
    fc
      .tuple(deep, fc.constantFrom('deep', ...fieldNames))
      .map(([value, field]) => ({
        what: `deep nesting at ${field}`,
        body: setPath(route.template(), field, value),
      })),
    // The accepted body hidden behind prototype keys, as JSON.parse keeps them (own keys).
    fc.constantFrom('__proto__', 'constructor').map(key => ({
      what: `the body under ${key}`,
      body: new Obj([
        [
          key,
          key === 'constructor'
            ? new Obj([['prototype', route.template()]])
            : route.template(),
        ],
      ]),
    })),
  ];
  if (fieldNames.length > 0) {
    // One to all fields of the wrong type, plus prototype keys, unicode keys, huge strings.
    const mutation = fc.uniqueArray(fc.constantFrom(...fieldNames), {
      minLength: 1,
      maxLength: fieldNames.length,
    });
    cases.push(
      mutation
        .chain(names =>
          fc.tuple(
            fc.tuple(
              ...names.map(n =>
                wrong(route.fields[n]).map(v => [n, v] as [string, Json]),
              ),
            ),
            extras,
          ),
        )
        .map(([changes, more]) => ({
          what: `wrong ${changes.map(([n]) => n).join(', ')}${
            more.length
              ? ` + ${more
                  .map(([k]) => JSON.stringify(k.slice(0, 12)))
                  .join(', ')}`
              : ''
          }`,
          body: withExtras(
            changes.reduce((b, [n, v]) => setPath(b, n, v), route.template()),
            more,
          ),
        })),
    );
  }
  return fc.oneof(...cases).map(c => ({ what: c.what, body: text(c.body) }));
}

describe.each(databases.eachSupportedId())(
  'hostile bodies on every JSON route (%s)',
  databaseId => {
    let knex: Knex;
    let server: Server;
    let secret: string;
    let organizationId: string;
    let issueId: string;
    let tables: string[];
    let baseline: string;

    beforeAll(async () => {
      const state = fakeAdoState({ projects: 1 });
      knex = await databases.init(databaseId);
      server = await startPlugin({ knex });
      // The handlers are reset after each test: set them again in beforeEach.
      msw.use(...fakeAdoHandlers(state));
      const organization = await request(server)
        .post(`${API}/organizations`)
        .set('Authorization', auth)
        .send({ name: 'fabrikam' })
        .expect(201);
      organizationId = organization.body.id;
      const [hook] = [...state.subscriptions.values()];
      secret = hook.consumerInputs.httpHeaders.replace(/^Shared-Secret:/, '');
      const event = await request(server)
        .post(`${API}/events`)
        .set('Authorization', auth)
        .send({
          entityRef: KNOWN_ENTITY,
          exception: { values: [{ type: 'HostileError', value: 'x' }] },
        });
      issueId = event.body.issueId ?? event.body.items?.[0]?.issueId;
      if (event.status >= 300 || typeof issueId !== 'string') {
        throw new Error(
          `No issue to test against: ${event.status} ${event.text}`,
        );
      }
      tables = await pluginTables(knex);
      baseline = await fingerprint(knex, tables, DOCUMENTED_WRITES);
    });

    /** ADO after the set-up: a refused body must not reach it (and it would answer 500). */
    let ado = fakeAdoState({ projects: 1 });
    beforeEach(() => {
      ado = fakeAdoState({ projects: 1 });
      ado.failWith = 500;
      msw.use(...fakeAdoHandlers(ado));
    });

    const delivery = () => {
      const d = fixture('hook-workitem-updated.json');
      d.resourceContainers.collection.id = ACCOUNT_ID;
      return json(d) as Obj;
    };

    const routes: Route[] = [
      {
        name: 'POST /organizations',
        method: 'post',
        path: () => '/organizations',
        template: () => json({ name: 'fabrikam' }) as Obj,
        fields: { name: 'string' },
      },
      {
        name: 'PUT /organizations/:id/config',
        method: 'put',
        path: () => `/organizations/${organizationId}/config`,
        template: () => json({ sync_comments: true }) as Obj,
        fields: {
          sync_forward_assignment: 'boolean',
          sync_comments: 'boolean',
          sync_status_reverse: 'boolean',
          sync_reverse_assignment: 'boolean',
          sync_status_forward: 'object',
          inbound_done_states: 'object',
        },
      },
      {
        name: 'PATCH /issues/:id',
        method: 'patch',
        path: () => `/issues/${issueId}`,
        template: () => json({ status: 'resolved' }) as Obj,
        fields: { status: 'enum', assignee: 'nullableString' },
      },
      {
        name: 'POST /issues/:id/comments',
        method: 'post',
        path: () => `/issues/${issueId}/comments`,
        template: () => json({ text: 'hello' }) as Obj,
        fields: { text: 'string' },
      },
      {
        name: 'POST /issues/:id/links',
        method: 'post',
        path: () => `/issues/${issueId}/links`,
        template: () => json({ organizationId, workItemId: 1 }) as Obj,
        fields: { organizationId: 'string', workItemId: 'int' },
      },
      {
        name: 'POST /deliveries/:id/replay',
        method: 'post',
        path: () => '/deliveries/00000000-0000-4000-8000-000000000000/replay',
        template: () => new Obj([]),
        fields: {},
      },
      {
        name: 'POST /jobs/:id/replay',
        method: 'post',
        path: () => '/jobs/00000000-0000-4000-8000-000000000000/replay',
        template: () => new Obj([]),
        fields: {},
      },
      {
        name: 'POST /events',
        method: 'post',
        path: () => '/events',
        template: () =>
          json({ entityRef: KNOWN_ENTITY, message: 'never stored' }) as Obj,
        fields: { entityRef: 'string' },
      },
      {
        name: 'POST /webhooks/workitem',
        method: 'post',
        path: () => '/webhooks/workitem',
        template: delivery,
        fields: {
          eventType: 'string',
          'resourceContainers.collection.id': 'string',
          resource: 'object',
          'resource.rev': 'int',
          'resource.workItemId': 'int',
        },
        headers: () => ({ 'Shared-Secret': secret }),
      },
    ];

    it.each(routes.map(r => [r.name, r] as const))(
      '%s: 4xx with a message, nothing stored',
      async (_name, route) => {
        // Per route, so one route's failure does not fail the others.
        baseline = await fingerprint(knex, tables, DOCUMENTED_WRITES);
        let cases = 0;
        await fc.assert(
          fc.asyncProperty(hostile(route), async ({ what, body }) => {
            cases += 1;
            let req = request(server)
              [route.method](`${API}${route.path()}`)
              .set('Authorization', auth)
              .set('Content-Type', 'application/json');
            for (const [k, v] of Object.entries(route.headers?.() ?? {}))
              req = req.set(k, v);
            const res = await req.send(body);
            const answer = `${route.name} with ${what}: ${
              res.status
            } ${res.text.slice(0, 300)}`;
            expect({
              answer,
              client: res.status >= 400 && res.status < 500,
            }).toEqual({
              answer,
              client: true,
            });
            expect(res.body?.error?.message).toEqual(expect.any(String));
            expect(res.body.error.message.trim()).not.toBe('');
            expect({ answer, adoRequests: ado.requests }).toEqual({
              answer,
              adoRequests: [],
            });
            const now = await fingerprint(knex, tables, DOCUMENTED_WRITES);
            if (now !== baseline) {
              const after = await dumpTables(knex, tables);
              throw new Error(
                `${route.name} with ${what}: the database changed (${
                  res.status
                }): ${JSON.stringify(after).slice(0, 2000)}`,
              );
            }
          }),
          { numRuns: RUNS },
        );
        expect(cases).toBeGreaterThanOrEqual(RUNS);
      },
    );

    it('nests 100,000 levels deep on every route without a 5xx', async () => {
      baseline = await fingerprint(knex, tables, DOCUMENTED_WRITES);
      const body = `${'['.repeat(100_000)}0${']'.repeat(100_000)}`;
      const objectBody = `${'{"a":'.repeat(100_000)}0${'}'.repeat(100_000)}`;
      for (const route of routes) {
        for (const b of [body, objectBody]) {
          let req = request(server)
            [route.method](`${API}${route.path()}`)
            .set('Authorization', auth)
            .set('Content-Type', 'application/json');
          for (const [k, v] of Object.entries(route.headers?.() ?? {}))
            req = req.set(k, v);
          const res = await req.send(b);
          expect({ route: route.name, status: res.status }).toEqual({
            route: route.name,
            status: 400,
          });
        }
      }
      expect(await fingerprint(knex, tables, DOCUMENTED_WRITES)).toBe(baseline);
    });
  },
);
