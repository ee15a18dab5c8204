import { randomUUID } from 'node:crypto';
import { zodMessages } from '../api/zodMessages';
import { MAX_FUTURE_MS, RawEvent, rawEventSchema } from './errorEventSchema';
import { EVENT_LIMITS } from './eventLimits';
import { readTimestamp } from './eventValues';
import type { RawFrame, RawSpan } from './framesAndSpans';
import { canonicalEntityRef } from './canonicalEntityRef';
import { eventCulprit, eventTitle, groupHash, truncate } from './grouping';
import { spanGroupHash } from './spans';
import type {
  NormalizedErrorEvent,
  NormalizedEvent,
  NormalizedException,
  NormalizedFrame,
  NormalizedSpan,
  NormalizedTransactionEvent,
} from './types';

export { EVENT_LIMITS };

/** A checked frame, cut to the column limits; '' counts as absent. */
function toFrame(raw: RawFrame): NormalizedFrame {
  const max = EVENT_LIMITS.frameField;
  const frame: NormalizedFrame = {};
  const filename =
    raw.filename || (typeof raw.abs_path === 'string' ? raw.abs_path : '');
  if (filename) frame.filename = truncate(filename, max);
  if (raw.module) frame.module = truncate(raw.module, max);
  if (raw.function) frame.function = truncate(raw.function, max);
  if (raw.lineno !== undefined && raw.lineno !== null)
    frame.lineno = raw.lineno;
  if (raw.colno !== undefined && raw.colno !== null) frame.colno = raw.colno;
  if (typeof raw.in_app === 'boolean') frame.inApp = raw.in_app;
  return frame;
}

/** A checked span, cut to the column limits, with its grouping hash. */
function toSpan(raw: RawSpan): NormalizedSpan {
  const span: Omit<NormalizedSpan, 'hash'> = {};
  if (raw.start_timestamp !== undefined && raw.start_timestamp !== null)
    span.startTimestamp = iso(readTimestamp(raw.start_timestamp));
  if (raw.timestamp !== undefined && raw.timestamp !== null)
    span.timestamp = iso(readTimestamp(raw.timestamp));
  if (raw.span_id) span.spanId = truncate(raw.span_id, 64);
  if (raw.parent_span_id) span.parentSpanId = truncate(raw.parent_span_id, 64);
  if (raw.op) span.op = truncate(raw.op, 64);
  if (raw.description)
    span.description = truncate(raw.description, EVENT_LIMITS.spanDescription);
  return { ...span, hash: spanGroupHash(span.op, span.description) };
}

/** Keeps the first and last frames of a very deep stack (the crash site is at the end). */
function boundFrames<T>(frames: T[]): T[] {
  if (frames.length <= EVENT_LIMITS.frames) return frames;
  const half = EVENT_LIMITS.frames / 2;
  return [...frames.slice(0, half), ...frames.slice(frames.length - half)];
}

function formatPath(label: string, path: PropertyKey[]): string {
  let text = label;
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : `.${String(part)}`;
  }
  return text;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function buildEvent(raw: RawEvent, now: Date): NormalizedEvent {
  const nowMs = now.getTime();
  const rawTimestamp = raw.timestamp ?? nowMs;
  const timestampMs =
    rawTimestamp > nowMs + MAX_FUTURE_MS ? nowMs : rawTimestamp;
  const base = {
    entityRef: raw.entityRef,
    eventId: raw.event_id ?? randomUUID().replace(/-/g, ''),
    timestamp: iso(timestampMs),
    platform: raw.platform ?? 'other',
    level: raw.level ?? 'error',
    ...(raw.release ? { release: raw.release } : {}),
    ...(raw.environment ? { environment: raw.environment } : {}),
    tags: (raw.tags ?? []).slice(0, EVENT_LIMITS.tags) as Array<
      [string, string]
    >,
    ...(raw.contexts ? { contexts: raw.contexts } : {}),
  };
  const user = raw.user
    ? {
        ...(raw.user.id ? { id: raw.user.id } : {}),
        ...(raw.user.email ? { email: raw.user.email } : {}),
        ...(raw.user.username ? { username: raw.user.username } : {}),
        ...(raw.user.ip_address ? { ipAddress: raw.user.ip_address } : {}),
      }
    : undefined;
  const withUser =
    user && Object.keys(user).length > 0 ? { ...base, user } : base;

  if (raw.type === 'transaction') {
    const start = raw.start_timestamp!;
    const end = raw.timestamp ?? nowMs;
    const trace = raw.contexts?.trace as Record<string, unknown> | undefined;
    const spans = (raw.spans ?? []).map(toSpan);
    const event: NormalizedTransactionEvent = {
      ...withUser,
      type: 'transaction',
      transaction: raw.transaction!,
      startTimestamp: iso(start),
      durationMs: Math.round((end - start) * 1000) / 1000,
      ...(typeof trace?.op === 'string' ? { op: truncate(trace.op, 64) } : {}),
      ...(typeof trace?.status === 'string'
        ? { status: truncate(trace.status, 64) }
        : {}),
      spans,
    };
    return event;
  }

  const exceptions: NormalizedException[] = (raw.exception?.values ?? []).map(
    e => ({
      ...(e.type ? { type: e.type } : {}),
      ...(e.value ? { value: e.value } : {}),
      ...(e.module ? { module: e.module } : {}),
      frames: boundFrames(e.stacktrace?.frames ?? []).map(toFrame),
    }),
  );
  const logentry = raw.logentry ?? raw.message ?? undefined;
  const message = logentry?.formatted ?? logentry?.message;
  const messageTemplate =
    logentry?.message && logentry.message !== message
      ? logentry.message
      : undefined;
  const grouping = {
    exceptions,
    ...(raw.fingerprint?.length ? { fingerprint: raw.fingerprint } : {}),
    ...(message ? { message } : {}),
    ...(messageTemplate ? { messageTemplate } : {}),
    ...(raw.transaction ? { transaction: raw.transaction } : {}),
  };
  const event: NormalizedErrorEvent = {
    ...withUser,
    type: 'error',
    ...grouping,
    groupHash: groupHash(grouping),
    title: eventTitle(grouping),
    culprit: eventCulprit(grouping),
  };
  return event;
}

/** One rejected event of a request. */
export interface ErrorEventValidationError {
  /** Position in the batch (0 for a single event). */
  index: number;
  /** The event's entity, when it named a valid one (its `invalid` outcome is counted there). */
  entityRef?: string;
  /** `events[3].level: expected one of …` */
  message: string;
}

/** Validates and normalizes one event; `label` prefixes error paths (`event`, `events[3]`). */
export function parseErrorEvent(
  value: unknown,
  label: string,
  now: Date = new Date(),
): { event: NormalizedEvent } | { error: string; entityRef?: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `${label}: expected an event object` };
  }
  const result = rawEventSchema.safeParse(value, {
    error: zodMessages,
  });
  if (!result.success) {
    const issue = result.error.issues[0];
    const rawRef = (value as { entityRef?: unknown }).entityRef;
    let entityRef: string | undefined;
    if (typeof rawRef === 'string') {
      try {
        entityRef = canonicalEntityRef(rawRef);
      } catch {
        entityRef = undefined;
      }
    }
    return {
      error: `${formatPath(label, issue.path)}: ${issue.message}`,
      ...(entityRef ? { entityRef } : {}),
    };
  }
  return { event: buildEvent(result.data, now) };
}

/**
 * Validates a request body: one event or an array of up to {@link EVENT_LIMITS.batch}. Every event
 * is checked (so each invalid one can be counted) and none is stored when any is invalid.
 */
export function parseErrorEventBody(
  body: unknown,
  now: Date = new Date(),
): {
  events: NormalizedEvent[];
  /** Each event's position in the request. */
  positions: number[];
  errors: ErrorEventValidationError[];
} {
  const batch = Array.isArray(body);
  const values: unknown[] = batch ? (body as unknown[]) : [body];
  if (batch && values.length === 0) {
    return {
      events: [],
      positions: [],
      errors: [{ index: 0, message: 'events: expected at least one event' }],
    };
  }
  if (values.length > EVENT_LIMITS.batch) {
    return {
      events: [],
      positions: [],
      errors: [
        {
          index: 0,
          message: `events: at most ${EVENT_LIMITS.batch} events per request`,
        },
      ],
    };
  }
  const events: NormalizedEvent[] = [];
  const positions: number[] = [];
  const errors: ErrorEventValidationError[] = [];
  values.forEach((value, index) => {
    const result = parseErrorEvent(
      value,
      batch ? `events[${index}]` : 'event',
      now,
    );
    if ('event' in result) {
      events.push(result.event);
      positions.push(index);
    } else
      errors.push({
        index,
        message: result.error,
        ...(result.entityRef ? { entityRef: result.entityRef } : {}),
      });
  });
  return { events, positions, errors };
}
