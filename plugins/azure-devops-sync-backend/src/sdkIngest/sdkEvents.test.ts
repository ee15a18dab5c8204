import { parseEnvelope } from './parseEnvelope';
import { eventsOfEnvelope, eventsOfStoreBody } from './sdkEvents';

const ENTITY = 'component:default/payments-api';
const NOW = new Date('2026-12-03T12:00:00Z');

function envelope(header: object, ...items: Array<[object, unknown]>) {
  const parts = [JSON.stringify(header)];
  for (const [itemHeader, payload] of items) {
    parts.push(JSON.stringify(itemHeader), JSON.stringify(payload));
  }
  return parseEnvelope(Buffer.from(parts.join('\n')));
}

const sentryError = {
  event_id: '9ec79c33ec9942ab8353589fcb2e04dc',
  timestamp: 1796299200.125,
  platform: 'node',
  level: 'log',
  release: 'payments-api@1.4.0',
  environment: 'production',
  server_name: 'vm-1',
  user: {
    id: 42,
    email: 'a@example.com',
    ip_address: 'not-an-ip',
    segment: 'x',
  },
  tags: { region: 'westeurope', 'bad key': 'x', count: 3, nested: { a: 1 } },
  contexts: {
    runtime: { name: 'node', version: 'v20.20.2' },
    huge: { blob: 'x'.repeat(20_000) },
    notAnObject: 'text',
  },
  request: {
    url: 'https://shop.example.com/charge',
    method: 'POST',
    headers: {},
  },
  fingerprint: ['{{ default }}', 'charge'],
  breadcrumbs: { values: [{ message: 'ignored' }] },
  exception: {
    values: [
      {
        type: 'RangeError',
        value: 'Invalid amount -1',
        mechanism: { type: 'generic', handled: true },
        stacktrace: {
          frames: [
            {
              filename: 'node:events',
              function: 'emit',
              lineno: 1,
              in_app: false,
            },
            {
              filename: '/app/src/pay.ts',
              module: 'pay',
              function: 'charge',
              lineno: 40,
              colno: 7,
              in_app: true,
              pre_context: ['a'],
              vars: { amount: -1 },
            },
          ],
        },
      },
    ],
  },
};

describe('eventsOfEnvelope', () => {
  it("maps Sentry's event shape onto the key's entity", () => {
    const found = eventsOfEnvelope(
      envelope({}, [{ type: 'event' }, sentryError]),
      ENTITY,
      NOW,
    );
    expect(found.errors).toEqual([]);
    expect(found.events).toHaveLength(1);
    const event = found.events[0] as any;
    expect(event).toMatchObject({
      type: 'error',
      entityRef: ENTITY,
      eventId: '9ec79c33ec9942ab8353589fcb2e04dc',
      timestamp: '2026-12-03T12:00:00.125Z',
      platform: 'node',
      level: 'info',
      release: 'payments-api@1.4.0',
      environment: 'production',
      user: { id: '42', email: 'a@example.com' },
      tags: [
        ['region', 'westeurope'],
        ['count', '3'],
      ],
      fingerprint: ['{{ default }}', 'charge'],
      title: 'RangeError: Invalid amount -1',
      culprit: 'pay in charge',
    });
    expect(event.user.ipAddress).toBeUndefined();
    expect(Object.keys(event.contexts)).toEqual(['runtime', 'request']);
    expect(event.contexts.request).toEqual({
      url: 'https://shop.example.com/charge',
      method: 'POST',
    });
    expect(event.exceptions[0].frames[1]).toEqual({
      filename: '/app/src/pay.ts',
      module: 'pay',
      function: 'charge',
      lineno: 40,
      colno: 7,
      inApp: true,
    });
  });

  it('takes release and environment from the envelope header when the event has none', () => {
    const found = eventsOfEnvelope(
      envelope({ trace: { release: 'web@2.0.0', environment: 'staging' } }, [
        { type: 'event' },
        { message: 'hello', timestamp: '2026-12-03T11:00:00Z' },
      ]),
      ENTITY,
      NOW,
    );
    expect(found.events[0]).toMatchObject({
      release: 'web@2.0.0',
      environment: 'staging',
      title: 'hello',
      timestamp: '2026-12-03T11:00:00.000Z',
    });
  });

  it('drops a release or environment our rules refuse instead of the event', () => {
    const found = eventsOfEnvelope(
      envelope({}, [
        { type: 'event' },
        { message: 'x', release: 'a/b', environment: 'x\ny' },
      ]),
      ENTITY,
      NOW,
    );
    expect(found.errors).toEqual([]);
    expect(found.events[0].release).toBeUndefined();
    expect(found.events[0].environment).toBeUndefined();
  });

  it('maps a transaction item with its spans', () => {
    const found = eventsOfEnvelope(
      envelope({}, [
        { type: 'transaction' },
        {
          type: 'transaction',
          event_id: 'aa79c33ec9942ab8353589fcb2e04dcb',
          transaction: 'POST /charge',
          start_timestamp: 1796299200,
          timestamp: 1796299200.25,
          contexts: {
            trace: { op: 'http.server', status: 'ok', trace_id: 't' },
          },
          spans: [
            {
              span_id: 's1',
              parent_span_id: 'root',
              op: 'db',
              description: 'SELECT 1',
              start_timestamp: 1796299200.01,
              timestamp: 1796299200.02,
              data: { rows: 1 },
            },
          ],
        },
      ]),
      ENTITY,
      NOW,
    );
    expect(found.events[0]).toMatchObject({
      type: 'transaction',
      transaction: 'POST /charge',
      durationMs: 250,
      op: 'http.server',
      status: 'ok',
      spans: [{ spanId: 's1', op: 'db', description: 'SELECT 1' }],
    });
  });

  it('turns streamed spans (span v2 items) into one transaction per segment', () => {
    const attr = (value: unknown) => ({ value, type: 'string' });
    const found = eventsOfEnvelope(
      envelope({ trace: { release: 'r@1' } }, [
        { type: 'span', item_count: 3 },
        {
          version: 2,
          items: [
            {
              name: 'db query',
              span_id: 'child1',
              parent_span_id: 'seg1',
              start_timestamp: 1796299200.1,
              end_timestamp: 1796299200.2,
              is_segment: false,
              attributes: {
                'sentry.op': attr('db'),
                'sentry.segment.id': attr('seg1'),
              },
            },
            {
              name: 'checkout',
              span_id: 'seg1',
              trace_id: 'trace1',
              start_timestamp: 1796299200,
              end_timestamp: 1796299200.5,
              is_segment: true,
              status: 'ok',
              attributes: {
                'sentry.op': attr('http.server'),
                'sentry.segment.id': attr('seg1'),
                'sentry.environment': attr('test'),
              },
            },
            {
              name: 'orphan',
              span_id: 'child2',
              start_timestamp: 1796299200.1,
              end_timestamp: 1796299200.2,
              attributes: { 'sentry.segment.id': attr('elsewhere') },
            },
          ],
        },
      ]),
      ENTITY,
      NOW,
    );
    expect(found.errors).toEqual([]);
    expect(found.events).toHaveLength(1);
    expect(found.events[0]).toMatchObject({
      type: 'transaction',
      transaction: 'checkout',
      op: 'http.server',
      status: 'ok',
      durationMs: 500,
      release: 'r@1',
      environment: 'test',
      spans: [
        {
          spanId: 'child1',
          parentSpanId: 'seg1',
          op: 'db',
          description: 'db query',
        },
      ],
    });
  });

  it('acknowledges and skips other item types', () => {
    const found = eventsOfEnvelope(
      envelope(
        {},
        [{ type: 'session' }, { sid: 'x' }],
        [{ type: 'client_report' }, { discarded_events: [] }],
        [{ type: 'attachment', length: 4 }, 'ab'],
      ),
      ENTITY,
      NOW,
    );
    expect(found).toEqual({ events: [], errors: [], ignored: 3 });
  });

  it('names the item and field of an event that does not validate', () => {
    const found = eventsOfEnvelope(
      envelope(
        {},
        [{ type: 'session' }, {}],
        [{ type: 'event' }, { timestamp: 'yesterday' }],
      ),
      ENTITY,
      NOW,
    );
    expect(found.events).toEqual([]);
    expect(found.errors).toEqual([
      'item 1 (event).timestamp: expected an ISO 8601 date or epoch seconds',
    ]);
  });

  it('refuses an event payload that is not a JSON object', () => {
    const body = Buffer.from('{}\n{"type":"event"}\n[1,2]');
    expect(() => eventsOfEnvelope(parseEnvelope(body), ENTITY, NOW)).toThrow(
      'item 0 (event): the payload is not a JSON object',
    );
  });
});

describe('eventsOfStoreBody', () => {
  it('reads one JSON event', () => {
    const found = eventsOfStoreBody(
      Buffer.from(JSON.stringify({ message: 'stored', level: 'warning' })),
      ENTITY,
      NOW,
    );
    expect(found.events[0]).toMatchObject({
      title: 'stored',
      level: 'warning',
    });
  });
});
