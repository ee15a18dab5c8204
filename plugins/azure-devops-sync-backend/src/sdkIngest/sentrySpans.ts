import type { SentryPayload } from './sentryEvent';

/**
 * Streamed spans → transactions. Since @sentry/node 11 an SDK sends a traced request as `span`
 * items (`{version: 2, items: [...]}`, one span each, the root marked `is_segment`) instead of
 * one `transaction` item. Each segment span of an envelope becomes a Sentry transaction payload
 * with the envelope's other spans of that segment as its spans. Spans whose segment is in
 * another envelope (a long trace flushed in parts) are acknowledged and not stored.
 */

type Span = Record<string, unknown>;

const obj = (v: unknown): Span | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Span) : undefined;

/** A v2 attribute is `{value, type}`; a v1 span's `data` holds plain values. */
function attribute(span: Span, name: string): unknown {
  const attr = obj(span.attributes)?.[name];
  if (attr !== undefined) return obj(attr) ? obj(attr)!.value : attr;
  return obj(span.data)?.[name];
}

const text = (v: unknown) => (typeof v === 'string' && v ? v : undefined);

/** The spans of one `span` item: a v2 container or a single v1 span. */
export function spansOfItem(payload: unknown): Span[] {
  const item = obj(payload);
  if (!item) return [];
  if (Array.isArray(item.items))
    return item.items.map(obj).filter((s): s is Span => Boolean(s));
  return item.span_id ? [item] : [];
}

function segmentIdOf(span: Span): string | undefined {
  return (
    text(attribute(span, 'sentry.segment.id')) ??
    text(span.segment_id) ??
    (span.is_segment === true ? text(span.span_id) : undefined)
  );
}

function opOf(span: Span): string | undefined {
  return text(attribute(span, 'sentry.op')) ?? text(span.op);
}

/** Transactions built from an envelope's streamed spans, one per segment span present. */
export function transactionsFromSpans(spans: Span[]): SentryPayload[] {
  const segments = spans.filter(s => s.is_segment === true);
  return segments.map(segment => {
    const id = text(segment.span_id);
    const children = spans.filter(s => s !== segment && segmentIdOf(s) === id);
    const end = segment.end_timestamp ?? segment.timestamp;
    return {
      type: 'transaction',
      transaction:
        text(segment.name) ??
        text(attribute(segment, 'sentry.segment.name')) ??
        text(segment.description),
      start_timestamp: segment.start_timestamp,
      timestamp: end,
      release: attribute(segment, 'sentry.release'),
      environment: attribute(segment, 'sentry.environment'),
      platform: attribute(segment, 'sentry.platform'),
      contexts: {
        trace: {
          ...(text(segment.trace_id) ? { trace_id: segment.trace_id } : {}),
          ...(id ? { span_id: id } : {}),
          ...(opOf(segment) ? { op: opOf(segment) } : {}),
          ...(text(segment.status) ? { status: segment.status } : {}),
        },
      },
      spans: children.map(child => ({
        span_id: child.span_id,
        parent_span_id: child.parent_span_id,
        op: opOf(child),
        description: text(child.name) ?? text(child.description),
        start_timestamp: child.start_timestamp,
        timestamp: child.end_timestamp ?? child.timestamp,
      })),
    };
  });
}
