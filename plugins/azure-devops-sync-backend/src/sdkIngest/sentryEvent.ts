import { isIP } from 'node:net';
import { EVENT_LIMITS } from '../errorEvents/eventLimits';
import { LEVELS } from '../errorEvents/errorEventSchema';

/**
 * Sentry's event payload (https://develop.sentry.dev/sdk/data-model/event-payloads/) → the raw
 * event `POST /events` takes, for one entity. Both are Sentry-shaped; this keeps the fields we
 * store and makes the SDK's extras fit our stricter checks instead of refusing the event:
 * levels we do not have are mapped, unusable tags, releases, environments and IPs are dropped,
 * frames and contexts are cut to our limits. What is left is checked by `parseErrorEvent`, so an
 * event whose ids or times are wrong is still a 400.
 */
export type SentryPayload = Record<string, unknown>;

const LEVEL_ALIASES: Record<string, string> = {
  log: 'info',
  warn: 'warning',
  critical: 'fatal',
};

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
const str = (v: unknown): string | undefined =>
  typeof v === 'string' && v !== '' ? v : undefined;

function level(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  const mapped = LEVEL_ALIASES[lower] ?? lower;
  return (LEVELS as readonly string[]).includes(mapped) ? mapped : 'error';
}

/** Our release and environment rules; an SDK's value that breaks them is left out. */
function release(value: unknown): string | undefined {
  const text = str(value)?.trim();
  if (!text || text.length > EVENT_LIMITS.release) return undefined;
  if (/[\r\n\t\\/]/.test(text) || ['.', '..', 'latest'].includes(text))
    return undefined;
  return text;
}

function environment(value: unknown): string | undefined {
  const text = str(value)?.trim();
  if (!text || text.length > EVENT_LIMITS.environment || /[\r\n\t/]/.test(text))
    return undefined;
  return text;
}

function tags(value: unknown): Array<[string, string]> | undefined {
  const pairs = Array.isArray(value) ? value : Object.entries(obj(value) ?? {});
  const kept: Array<[string, string]> = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) continue;
    const [key, v] = pair;
    if (typeof key !== 'string') continue;
    const k = key.trim();
    if (!k || k.length > EVENT_LIMITS.tagKey || /\s/.test(k)) continue;
    if (!['string', 'number', 'boolean'].includes(typeof v)) continue;
    kept.push([k, String(v)]);
    if (kept.length >= EVENT_LIMITS.tags) break;
  }
  return kept.length ? kept : undefined;
}

function user(value: unknown): Record<string, unknown> | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const ip = str(u.ip_address)?.trim();
  const id =
    typeof u.id === 'number' || typeof u.id === 'string' ? u.id : undefined;
  const kept = {
    ...(id !== undefined && id !== '' ? { id } : {}),
    ...(str(u.email) ? { email: u.email } : {}),
    ...(str(u.username) ? { username: u.username } : {}),
    ...(ip && isIP(ip) ? { ip_address: ip } : {}),
  };
  return Object.keys(kept).length ? kept : undefined;
}

/** Object contexts only, in the SDK's order, as many as fit our size limit. */
function contexts(
  value: unknown,
  extra?: Record<string, Record<string, unknown>>,
): Record<string, unknown> | undefined {
  const kept: Record<string, unknown> = {};
  let size = 2;
  const entries = [
    ...Object.entries(obj(value) ?? {}),
    ...Object.entries(extra ?? {}),
  ];
  for (const [name, context] of entries) {
    if (!obj(context)) continue;
    const cost =
      JSON.stringify(name).length + JSON.stringify(context).length + 2;
    if (size + cost > EVENT_LIMITS.contextsJson) continue;
    kept[name] = context;
    size += cost;
  }
  return Object.keys(kept).length ? kept : undefined;
}

const FRAME_KEYS = ['filename', 'abs_path', 'module', 'function'] as const;

function frame(value: unknown): Record<string, unknown> | undefined {
  const f = obj(value);
  if (!f) return undefined;
  const kept: Record<string, unknown> = {};
  for (const key of FRAME_KEYS) if (str(f[key])) kept[key] = f[key];
  for (const key of ['lineno', 'colno'] as const) {
    if (Number.isInteger(f[key]) && (f[key] as number) >= 0) kept[key] = f[key];
  }
  if (typeof f.in_app === 'boolean') kept.in_app = f.in_app;
  return kept;
}

function exceptions(value: unknown): unknown[] | undefined {
  const values = Array.isArray(value) ? value : obj(value)?.values;
  if (!Array.isArray(values)) return undefined;
  // Sentry lists chained exceptions cause first: the main one is last, keep the end.
  return values
    .slice(-EVENT_LIMITS.exceptions)
    .map(obj)
    .filter((e): e is Record<string, unknown> => Boolean(e))
    .map(e => {
      const frames = obj(e.stacktrace)?.frames;
      return {
        ...(str(e.type) ? { type: e.type } : {}),
        ...(str(e.value) ? { value: e.value } : {}),
        ...(str(e.module) ? { module: e.module } : {}),
        stacktrace: {
          frames: Array.isArray(frames)
            ? frames.map(frame).filter(Boolean)
            : [],
        },
      };
    });
}

function message(event: SentryPayload): unknown {
  if (typeof event.message === 'string') return event.message;
  const m = obj(event.message);
  return m ? { formatted: m.formatted, message: m.message } : undefined;
}

function spans(value: unknown): unknown[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value
    .slice(0, EVENT_LIMITS.spans)
    .map(obj)
    .filter((s): s is Record<string, unknown> => Boolean(s))
    .map(s => ({
      ...(str(s.span_id) ? { span_id: s.span_id } : {}),
      ...(str(s.parent_span_id) ? { parent_span_id: s.parent_span_id } : {}),
      ...(str(s.op) ? { op: s.op } : {}),
      ...(str(s.description) ? { description: s.description } : {}),
      start_timestamp: s.start_timestamp,
      timestamp: s.timestamp,
    }));
}

/** What an envelope's header says about all its items (`trace`: release and environment). */
export interface EnvelopeDefaults {
  release?: unknown;
  environment?: unknown;
}

/** One Sentry `event` or `transaction` payload as our raw event for `entityRef`. */
export function toRawEvent(
  event: SentryPayload,
  entityRef: string,
  kind: 'event' | 'transaction',
  defaults: EnvelopeDefaults = {},
): Record<string, unknown> {
  const request = obj(event.request);
  const raw: Record<string, unknown> = {
    entityRef,
    type: kind === 'transaction' ? 'transaction' : 'error',
    event_id: event.event_id ?? undefined,
    timestamp: event.timestamp ?? undefined,
    platform: str(event.platform),
    level: level(event.level),
    release: release(event.release ?? defaults.release),
    environment: environment(event.environment ?? defaults.environment),
    user: user(event.user),
    tags: tags(event.tags),
    // The request (URL and method) is where Sentry shows it; it becomes one more context.
    contexts: contexts(
      event.contexts,
      request && (str(request.url) || str(request.method))
        ? {
            request: {
              ...(str(request.url) ? { url: request.url } : {}),
              ...(str(request.method) ? { method: request.method } : {}),
            },
          }
        : undefined,
    ),
    transaction: str(event.transaction),
    fingerprint: Array.isArray(event.fingerprint)
      ? event.fingerprint
          .filter(p => typeof p === 'string' || typeof p === 'number')
          .slice(0, EVENT_LIMITS.fingerprintParts)
      : undefined,
  };
  if (kind === 'transaction') {
    raw.start_timestamp = event.start_timestamp ?? undefined;
    raw.spans = spans(event.spans);
  } else {
    raw.exception = exceptions(event.exception);
    raw.message = message(event);
    const logentry = obj(event.logentry);
    if (logentry)
      raw.logentry = {
        formatted: logentry.formatted,
        message: logentry.message,
      };
  }
  for (const key of Object.keys(raw))
    if (raw[key] === undefined) delete raw[key];
  return raw;
}
