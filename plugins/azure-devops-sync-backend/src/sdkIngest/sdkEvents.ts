import { nestsDeeperThan, tooDeepMessage } from '../api/jsonDepth';
import { parseErrorEvent } from '../errorEvents/parseErrorEvents';
import type { NormalizedEvent } from '../errorEvents/types';
import { PayloadTooLargeError } from './httpErrors';
import { Envelope, EnvelopeError } from './parseEnvelope';
import { SDK_BODY_LIMITS } from './readSdkBody';
import { EnvelopeDefaults, SentryPayload, toRawEvent } from './sentryEvent';
import { spansOfItem, transactionsFromSpans } from './sentrySpans';

/** What an SDK request holds for us. */
export interface SdkEvents {
  /** Checked and normalized, ready for `ErrorEventIngestor.save`. */
  events: NormalizedEvent[];
  /** Why each refused event was refused (`item 1 (event).timestamp: …`). */
  errors: string[];
  /** Items acknowledged and not stored (sessions, client reports, attachments, …). */
  ignored: number;
}

function payloadJson(payload: Buffer, label: string): SentryPayload {
  if (payload.length > SDK_BODY_LIMITS.item) {
    throw new PayloadTooLargeError(
      `${label} is larger than ${SDK_BODY_LIMITS.item / 1024 / 1024} MiB`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new EnvelopeError(`${label}: the payload is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new EnvelopeError(`${label}: the payload is not a JSON object`);
  }
  if (nestsDeeperThan(value)) {
    throw new EnvelopeError(tooDeepMessage(`${label}: the payload`));
  }
  return value as SentryPayload;
}

function add(
  result: SdkEvents,
  payload: SentryPayload,
  kind: 'event' | 'transaction',
  label: string,
  entityRef: string,
  defaults: EnvelopeDefaults,
  now: Date,
) {
  const parsed = parseErrorEvent(
    toRawEvent(payload, entityRef, kind, defaults),
    label,
    now,
  );
  if ('event' in parsed) result.events.push(parsed.event);
  else result.errors.push(parsed.error);
}

/** The events and transactions of an envelope (`/envelope/`), for the key's entity. */
export function eventsOfEnvelope(
  envelope: Envelope,
  entityRef: string,
  now: Date = new Date(),
): SdkEvents {
  const result: SdkEvents = { events: [], errors: [], ignored: 0 };
  const trace = envelope.header.trace;
  const defaults: EnvelopeDefaults =
    trace && typeof trace === 'object' ? (trace as EnvelopeDefaults) : {};
  envelope.items.forEach((item, i) => {
    const label = `item ${i} (${item.type})`;
    if (item.type === 'event' || item.type === 'transaction') {
      const payload = payloadJson(item.payload, label);
      add(result, payload, item.type, label, entityRef, defaults, now);
    } else if (item.type === 'span') {
      const transactions = transactionsFromSpans(
        spansOfItem(payloadJson(item.payload, label)),
      );
      if (transactions.length === 0) result.ignored++;
      for (const t of transactions)
        add(result, t, 'transaction', label, entityRef, defaults, now);
    } else {
      result.ignored++;
    }
  });
  return result;
}

/** The one event of a legacy `/store/` body (a JSON event). */
export function eventsOfStoreBody(
  body: Buffer,
  entityRef: string,
  now: Date = new Date(),
): SdkEvents {
  const result: SdkEvents = { events: [], errors: [], ignored: 0 };
  const payload = payloadJson(body, 'event');
  const kind = payload.type === 'transaction' ? 'transaction' : 'event';
  add(result, payload, kind, 'event', entityRef, {}, now);
  return result;
}
