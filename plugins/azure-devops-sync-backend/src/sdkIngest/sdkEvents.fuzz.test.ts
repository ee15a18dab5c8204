import fc from 'fast-check';
import { PayloadTooLargeError } from './httpErrors';
import { EnvelopeError, parseEnvelope } from './parseEnvelope';
import { eventsOfEnvelope, eventsOfStoreBody } from './sdkEvents';

const ENTITY = 'component:default/payments-api';

/** What the route turns into a 4xx; anything else thrown would be a 500. */
function isClientError(error: unknown): boolean {
  return (
    error instanceof EnvelopeError || error instanceof PayloadTooLargeError
  );
}

function readsOrRefuses(read: () => unknown) {
  try {
    read();
  } catch (error) {
    if (!isClientError(error)) throw error;
  }
}

const jsonish = fc.jsonValue({ maxDepth: 4 });

/** Sentry-looking payloads with any value where a field is expected. */
const sentryLike = fc.record(
  {
    event_id: fc.oneof(
      fc.uuid().map(u => u.replace(/-/g, '')),
      jsonish,
    ),
    timestamp: fc.oneof(fc.double(), fc.string(), jsonish),
    start_timestamp: fc.oneof(fc.double(), jsonish),
    level: fc.oneof(fc.constantFrom('log', 'warning', 'fatal', 'x'), jsonish),
    message: jsonish,
    logentry: jsonish,
    release: jsonish,
    environment: jsonish,
    user: jsonish,
    tags: jsonish,
    contexts: jsonish,
    fingerprint: jsonish,
    transaction: jsonish,
    request: jsonish,
    exception: fc.oneof(
      jsonish,
      fc.record({
        values: fc.array(
          fc.record({
            type: jsonish,
            value: jsonish,
            stacktrace: fc.oneof(
              jsonish,
              fc.record({ frames: fc.array(jsonish, { maxLength: 5 }) }),
            ),
          }),
          { maxLength: 3 },
        ),
      }),
    ),
    spans: fc.oneof(jsonish, fc.array(jsonish, { maxLength: 5 })),
    items: fc.array(jsonish, { maxLength: 5 }),
    is_segment: fc.boolean(),
    attributes: jsonish,
  },
  { requiredKeys: [] },
);

const itemType = fc.constantFrom(
  'event',
  'transaction',
  'span',
  'session',
  'attachment',
  'x',
);

// fc.assert throws the smallest counterexample: the properties are the assertions.
/* eslint-disable jest/expect-expect */
describe('SDK bodies, fuzzed', () => {
  it('never throws anything but a client error for envelopes of Sentry-like items', () => {
    fc.assert(
      fc.property(
        jsonish,
        fc.array(fc.tuple(itemType, sentryLike, fc.boolean()), {
          maxLength: 4,
        }),
        (header, items) => {
          const lines = [JSON.stringify(header) ?? 'null'];
          for (const [type, payload, withLength] of items) {
            const text = JSON.stringify(payload);
            lines.push(
              JSON.stringify(
                withLength
                  ? { type, length: Buffer.byteLength(text) }
                  : { type },
              ),
              text,
            );
          }
          readsOrRefuses(() =>
            eventsOfEnvelope(
              parseEnvelope(Buffer.from(lines.join('\n'))),
              ENTITY,
            ),
          );
          readsOrRefuses(() =>
            eventsOfStoreBody(
              Buffer.from(JSON.stringify(items[0]?.[1] ?? header)),
              ENTITY,
            ),
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('never throws anything but a client error for random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), bytes => {
        readsOrRefuses(() =>
          eventsOfEnvelope(parseEnvelope(Buffer.from(bytes)), ENTITY),
        );
        readsOrRefuses(() => eventsOfStoreBody(Buffer.from(bytes), ENTITY));
      }),
      { numRuns: 1000 },
    );
  });
});
