import fc from 'fast-check';
import { canonicalEntityRef } from './canonicalEntityRef';
import {
  EVENT_LIMITS,
  parseErrorEvent,
  parseErrorEventBody,
} from './parseErrorEvents';

const NOW = new Date('2026-11-26T00:00:00Z');
const ENTITY = 'component:default/payments-api';

function ok(value: Record<string, unknown>) {
  const result = parseErrorEvent({ entityRef: ENTITY, ...value }, 'event', NOW);
  if (!('event' in result)) throw new Error(result.error);
  return result.event;
}

function error(value: unknown) {
  const result = parseErrorEvent(value, 'event', NOW);
  if ('event' in result) throw new Error('expected an error');
  return result.error;
}

describe('parseErrorEvent', () => {
  it('fills defaults', () => {
    const event = ok({ message: 'hello' });
    expect(event).toMatchObject({
      type: 'error',
      level: 'error',
      platform: 'other',
      timestamp: NOW.toISOString(),
      message: 'hello',
      title: 'hello',
      tags: [],
    });
    expect(event.eventId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('reads timestamps as ISO or epoch seconds, and clamps the far future', () => {
    expect(ok({ timestamp: 1795000000.5 }).timestamp).toBe(
      '2026-11-18T11:06:40.500Z',
    );
    expect(ok({ timestamp: '2026-11-20T10:00:00' }).timestamp).toBe(
      '2026-11-20T10:00:00.000Z',
    );
    expect(ok({ timestamp: '2026-11-20T12:00:00+02:00' }).timestamp).toBe(
      '2026-11-20T10:00:00.000Z',
    );
    expect(ok({ timestamp: '2030-01-01T00:00:00Z' }).timestamp).toBe(
      NOW.toISOString(),
    );
    expect(error({ entityRef: ENTITY, timestamp: -5 })).toMatch(
      /^event\.timestamp:/,
    );
  });

  it('reads message strings and objects, levels case-insensitively', () => {
    expect(
      ok({ message: { formatted: 'Hi bob', message: 'Hi %s' }, level: 'WARN' }),
    ).toMatchObject({
      message: 'Hi bob',
      messageTemplate: 'Hi %s',
      level: 'warning',
    });
    expect(ok({ logentry: { message: 'x' } })).toMatchObject({ message: 'x' });
    expect(error({ entityRef: ENTITY, level: 'loud' })).toMatch(
      /^event\.level: expected one of/,
    );
  });

  it('trims long strings and bounds tags and frames', () => {
    const event = ok({
      message: 'm'.repeat(20000),
      tags: Object.fromEntries(
        Array.from({ length: 150 }, (_, i) => [`k${i}`, i]),
      ),
      exception: {
        values: [
          {
            type: 'E',
            stacktrace: {
              frames: Array.from({ length: 400 }, (_, i) => ({
                function: `f${i}`,
              })),
            },
          },
        ],
      },
    });
    if (event.type !== 'error') throw new Error();
    expect(event.message).toHaveLength(EVENT_LIMITS.message);
    expect(event.tags).toHaveLength(EVENT_LIMITS.tags);
    expect(event.tags[0]).toEqual(['k0', '0']);
    const frames = event.exceptions[0].frames;
    expect(frames).toHaveLength(EVENT_LIMITS.frames);
    expect(frames[frames.length - 1].function).toBe('f399');
  });

  it('accepts tags as pairs and exception as a list', () => {
    const event = ok({
      tags: [['browser', 'Firefox']],
      exception: [{ type: 'E', value: 'v' }],
    });
    expect(event.tags).toEqual([['browser', 'Firefox']]);
    expect(event.type === 'error' && event.title).toBe('E: v');
  });

  it('normalizes transactions', () => {
    const event = ok({
      type: 'transaction',
      transaction: '/pay',
      start_timestamp: '2026-11-20T10:00:00Z',
      timestamp: '2026-11-20T10:00:00.125Z',
      contexts: { trace: { op: 'http.server', status: 'ok' } },
      spans: [{ op: 'db', description: 'select 1', span_id: 's1' }],
    });
    expect(event).toMatchObject({
      type: 'transaction',
      durationMs: 125,
      op: 'http.server',
      status: 'ok',
      spans: [
        {
          spanId: 's1',
          op: 'db',
          hash: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      ],
    });
    expect(
      error({
        entityRef: ENTITY,
        type: 'transaction',
        transaction: 't',
        start_timestamp: 10,
        timestamp: 5,
      }),
    ).toBe('event.timestamp: earlier than start_timestamp');
  });

  it('names the invalid field and the entity it was for', () => {
    expect(
      parseErrorEvent(
        { entityRef: 'Component:Payments-API', release: 'a\nb' },
        'events[2]',
        NOW,
      ),
    ).toEqual({
      error: 'events[2].release: not a valid release name',
      entityRef: ENTITY,
    });
    expect(error({ entityRef: 'no-kind' })).toMatch(
      /^event\.entityRef: not an entity ref/,
    );
    expect(
      error({ entityRef: ENTITY, contexts: { big: { x: 'y'.repeat(20000) } } }),
    ).toMatch(/^event\.contexts: larger than/);
    expect(error({ entityRef: ENTITY, fingerprint: 'x' })).toMatch(
      /^event\.fingerprint:/,
    );
  });

  it('canonicalizes entity refs', () => {
    expect(canonicalEntityRef('Component:Payments-API')).toBe(ENTITY);
  });
});

describe('parseErrorEventBody', () => {
  it('checks every event of a batch and keeps positions', () => {
    const result = parseErrorEventBody(
      [
        { entityRef: ENTITY, message: 'a' },
        { entityRef: ENTITY, level: 1 },
        { entityRef: ENTITY, message: 'b' },
        'x',
      ],
      NOW,
    );
    expect(result.positions).toEqual([0, 2]);
    expect(result.errors.map(e => e.message)).toEqual([
      'events[1].level: Expected string, received number',
      'events[3]: expected an event object',
    ]);
  });
});

// These cases compared a hand-written fast parser with the schema; the schema is now the only
// parser, so they pin what it gives.
describe('the event schema', () => {
  const id = '0123456789abcdef0123456789abcdef';
  const parse = (value: Record<string, unknown>) =>
    parseErrorEvent(
      { entityRef: ENTITY, event_id: id, ...value },
      'event',
      NOW,
    );

  it.each([
    ['a message', { message: 'hello' }],
    [
      'a message object',
      { message: { formatted: 'Hi bob', message: 'Hi %s' } },
    ],
    ['a logentry', { logentry: { message: 'x' }, level: ' WARN ' }],
    ['empty strings', { message: '', platform: '', transaction: '' }],
    [
      'an exception with frames',
      {
        timestamp: 1795000000.5,
        platform: 'node',
        level: 'fatal',
        release: ' web@1.0.0 ',
        environment: 'production',
        user: { id: 42, email: 'a@example.com', ip_address: ' 10.0.0.1 ' },
        tags: { browser: 'Firefox', n: 1, b: false, ' padded ': 'x' },
        contexts: { os: { name: 'linux', version: undefined } },
        fingerprint: ['{{ default }}', 7],
        exception: {
          values: [
            { type: 'Cause', value: 'inner' },
            {
              type: 'TypeError',
              value: 'x'.repeat(9000),
              module: 'app',
              stacktrace: {
                frames: [
                  { filename: 'a.js', lineno: 1, colno: 2, in_app: false },
                  { abs_path: '/b.js', module: 'b', function: 'f' },
                  { function: 'g', in_app: true, lineno: null },
                ],
              },
            },
          ],
        },
      },
    ],
    ['an exception list', { exception: [{ type: 'E', value: 'v' }] }],
    ['null fields', { exception: { values: null }, user: null, tags: null }],
    ['no frames', { exception: { values: [{ type: 'E', stacktrace: {} }] } }],
    [
      'tag pairs',
      { tags: [['browser', 'Firefox']], user: { ip_address: '{{auto}}' } },
    ],
    [
      'a transaction',
      {
        type: 'transaction',
        transaction: '/pay',
        start_timestamp: '2026-11-20T10:00:00Z',
        timestamp: '2026-11-20T10:00:00.125Z',
        contexts: { trace: { op: 'http.server', status: 'ok' } },
        spans: [
          { op: 'db', description: 'select 1', span_id: 's1', timestamp: 5 },
        ],
      },
    ],
    ['a UUID event id', { event_id: 'A1B2C3D4-0000-4000-8000-000000000000' }],
  ])('accepts %s', (_name, value) => {
    const result = parse(value);
    expect(result).toEqual({ event: expect.any(Object) });
    // Deterministic: the same body gives the same event.
    expect(parse(value)).toEqual(result);
  });

  it('reads a full error event', () => {
    const result = parse({
      timestamp: 1795000000.5,
      platform: 'node',
      level: 'fatal',
      release: ' web@1.0.0 ',
      environment: 'production',
      user: { id: 42, email: 'a@example.com', ip_address: ' 10.0.0.1 ' },
      tags: { browser: 'Firefox', n: 1, b: false, ' padded ': 'x' },
      contexts: { os: { name: 'linux', version: undefined } },
      fingerprint: ['{{ default }}', 7],
      exception: {
        values: [
          { type: 'Cause', value: 'inner' },
          {
            type: 'TypeError',
            value: 'x'.repeat(9000),
            module: 'app',
            stacktrace: {
              frames: [
                { filename: 'a.js', lineno: 1, colno: 2, in_app: false },
                { abs_path: '/b.js', module: 'b', function: 'f' },
                { function: 'g', in_app: true, lineno: null },
              ],
            },
          },
        ],
      },
    });
    if (!('event' in result) || result.event.type !== 'error')
      throw new Error('expected an error event');
    expect(result.event).toMatchObject({
      eventId: id,
      timestamp: '2026-11-18T11:06:40.500Z',
      platform: 'node',
      level: 'fatal',
      release: 'web@1.0.0',
      environment: 'production',
      tags: [
        ['browser', 'Firefox'],
        ['n', '1'],
        ['b', 'false'],
        ['padded', 'x'],
      ],
      contexts: { os: { name: 'linux' } },
      user: { id: '42', email: 'a@example.com', ipAddress: '10.0.0.1' },
      fingerprint: ['{{ default }}', '7'],
    });
    expect(result.event.exceptions[0]).toEqual({
      type: 'Cause',
      value: 'inner',
      frames: [],
    });
    expect(result.event.exceptions[1].value).toHaveLength(
      EVENT_LIMITS.exceptionValue,
    );
    expect(result.event.exceptions[1].frames).toEqual([
      { filename: 'a.js', lineno: 1, colno: 2, inApp: false },
      { filename: '/b.js', module: 'b', function: 'f' },
      { function: 'g', inApp: true },
    ]);
  });

  it.each([
    [
      { level: 'loud' },
      'event.level: expected one of fatal, error, warning, info, debug',
    ],
    [{ release: 'latest' }, 'event.release: not a valid release name'],
    [
      { tags: { 'a b': 'c' } },
      'event.tags[0][0]: tag keys cannot contain whitespace',
    ],
    [
      { exception: [{ stacktrace: { frames: [{ lineno: -1 }] } }] },
      'event.exception.values[0].stacktrace.frames[0].lineno: expected a non-negative integer',
    ],
    [
      { exception: [{ stacktrace: { frames: ['x'] } }] },
      'event.exception.values[0].stacktrace.frames[0]: expected an object',
    ],
    [
      {
        exception: [
          {
            stacktrace: {
              frames: [{ filename: 'a', abs_path: 5 }, { abs_path: 7 }],
            },
          },
        ],
      },
      'event.exception.values[0].stacktrace.frames[1].abs_path: Expected string, received number',
    ],
    [
      { user: { ip_address: 'nope' } },
      'event.user.ip_address: not an IP address',
    ],
    [
      { timestamp: 'yesterday' },
      'event.timestamp: expected an ISO 8601 date or epoch seconds',
    ],
    [
      { type: 'transaction', transaction: 't' },
      'event.start_timestamp: required for a transaction',
    ],
    [
      {
        type: 'transaction',
        transaction: 't',
        start_timestamp: 1,
        spans: [{ timestamp: true }],
      },
      'event.spans[0].timestamp: expected an ISO 8601 date or epoch seconds',
    ],
    [
      { contexts: { a: 'b' } },
      'event.contexts.a: Expected object, received string',
    ],
    [{ fingerprint: [{}] }, 'event.fingerprint[0]: Invalid input'],
  ])('rejects %j naming the field', (value, message) => {
    expect(parse(value)).toEqual({ error: message, entityRef: ENTITY });
  });

  it('answers every generated event with an event or a message naming its field', () => {
    const str = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom(' x ', 'WARN', 'latest', '1.2.3.4', '{{auto}}'),
    );
    const scalar = fc.oneof(str, fc.integer(), fc.boolean(), fc.constant(null));
    const frame = fc.record(
      {
        filename: scalar,
        module: scalar,
        function: scalar,
        lineno: fc.oneof(fc.nat(), scalar),
        in_app: scalar,
      },
      { requiredKeys: [] },
    );
    const event = fc.record(
      {
        type: fc.constantFrom('error', 'default', 'transaction', 'x', null),
        timestamp: fc.oneof(fc.integer(), str),
        start_timestamp: fc.oneof(fc.integer(), str),
        platform: scalar,
        level: scalar,
        message: fc.oneof(scalar, fc.record({ formatted: scalar })),
        release: scalar,
        environment: scalar,
        transaction: scalar,
        user: fc.oneof(
          scalar,
          fc.record(
            { id: scalar, email: scalar, ip_address: scalar },
            { requiredKeys: [] },
          ),
        ),
        tags: fc.oneof(
          scalar,
          fc.dictionary(str, scalar, { maxKeys: 3 }),
          fc.array(fc.tuple(str, scalar), { maxLength: 3 }),
        ),
        fingerprint: fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })),
        exception: fc.oneof(
          scalar,
          fc.array(
            fc.record(
              {
                type: scalar,
                value: scalar,
                stacktrace: fc.oneof(
                  scalar,
                  fc.record({ frames: fc.array(frame, { maxLength: 4 }) }),
                ),
              },
              { requiredKeys: [] },
            ),
            { maxLength: 2 },
          ),
        ),
        spans: fc.oneof(scalar, fc.array(frame, { maxLength: 2 })),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(event, value => {
        const result = parse(value);
        const answer =
          'error' in result ? result.error : result.event.entityRef;
        expect(answer).toMatch(/^event[.:[]|^component:default\/payments-api$/);
      }),
      { numRuns: 2000 },
    );
  });
});
