import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
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

/** Limits, mostly Sentry's. Longer strings are cut; too many frames keep both ends. */
export const EVENT_LIMITS = {
  batch: 1000,
  message: 8 * 1024,
  exceptionValue: 8 * 1024,
  exceptions: 25,
  frames: 250,
  frameField: 256,
  tags: 100,
  tagKey: 200,
  tagValue: 200,
  fingerprintParts: 50,
  fingerprintPart: 512,
  release: 200,
  environment: 64,
  userField: 128,
  transaction: 200,
  spans: 1000,
  spanDescription: 2000,
  contextsJson: 16 * 1024,
} as const;

const LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
/** Timestamps more than this far in the future are taken as "now" (a client clock running fast). */
const MAX_FUTURE_MS = 5 * 60 * 1000;

const cut = (max: number) => z.string().transform(s => truncate(s, max));

const optionalCut = (max: number) =>
  cut(max)
    .nullish()
    .transform(s => s || undefined);

/** Epoch milliseconds from ISO 8601 or epoch seconds (number or numeric string); NaN if invalid. */
function readTimestamp(value: unknown): number {
  let ms: number;
  if (typeof value === 'number') {
    ms = value * 1000;
  } else if (typeof value !== 'string') {
    return NaN;
  } else if (/^\d+(\.\d+)?$/.test(value.trim())) {
    ms = Number(value.trim()) * 1000;
  } else {
    // A timestamp without zone is UTC, as Sentry reads it.
    const text = value.trim();
    const zoned =
      /([zZ]|[+-]\d{2}:?\d{2})$/.test(text) || !/T|\s\d/.test(text)
        ? text
        : `${text}Z`;
    ms = Date.parse(zoned);
  }
  // Between 1970 and 9999: anything else is not a real event time.
  return Number.isFinite(ms) && ms >= 0 && ms <= 253402300799000 ? ms : NaN;
}

const TIMESTAMP_MESSAGE = 'expected an ISO 8601 date or epoch seconds';

const timestampSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const ms = readTimestamp(value);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: TIMESTAMP_MESSAGE });
      return z.NEVER;
    }
    return ms;
  });

/**
 * Frames and spans are checked by hand: a batch holds tens of thousands of them, and a zod object
 * per frame costs more than the whole database write.
 */
function fastArray<T>(
  max: number,
  read: (
    item: Record<string, unknown>,
    fail: (field: string, message: string) => void,
  ) => T,
) {
  return z
    .array(z.unknown())
    .max(max)
    .transform((items, ctx) => {
      const result: T[] = [];
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (!item || typeof item !== 'object' || Array.isArray(item)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [i],
            message: 'expected an object',
          });
          return z.NEVER;
        }
        let failed = false;
        const value = read(
          item as Record<string, unknown>,
          (field, message) => {
            if (!failed)
              ctx.addIssue({
                code: z.ZodIssueCode.custom,
                path: [i, field],
                message,
              });
            failed = true;
          },
        );
        if (failed) return z.NEVER;
        result.push(value);
      }
      return result;
    });
}

function readString(
  item: Record<string, unknown>,
  field: string,
  max: number,
  fail: (field: string, message: string) => void,
): string | undefined {
  const value = item[field];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    fail(field, `Expected string, received ${typeof value}`);
    return undefined;
  }
  return truncate(value, max);
}

function readCount(
  item: Record<string, unknown>,
  field: string,
  fail: (field: string, message: string) => void,
): number | undefined {
  const value = item[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(field, 'expected a non-negative integer');
    return undefined;
  }
  return value;
}

const eventIdSchema = z.string().transform((value, ctx) => {
  const text = value.trim().toLowerCase();
  if (/^[0-9a-f]{32}$/.test(text)) return text;
  if (
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)
  ) {
    return text.replace(/-/g, '');
  }
  ctx.addIssue({
    code: z.ZodIssueCode.custom,
    message: 'expected 32 hex digits or a UUID',
  });
  return z.NEVER;
});

const entityRefSchema = z
  .string()
  .min(1)
  .max(512)
  .transform((value, ctx) => {
    try {
      return canonicalEntityRef(value);
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `not an entity ref (${(e as Error).message})`,
      });
      return z.NEVER;
    }
  });

const levelSchema = z
  .string()
  .transform(s => {
    const lower = s.trim().toLowerCase();
    if (lower === 'warn') return 'warning';
    if (lower === 'critical') return 'fatal';
    return lower;
  })
  .pipe(
    z.enum(LEVELS, {
      errorMap: () => ({ message: `expected one of ${LEVELS.join(', ')}` }),
    }),
  );

type Fail = (field: string, message: string) => void;

function readFrame(item: Record<string, unknown>, fail: Fail): NormalizedFrame {
  const frame: NormalizedFrame = {};
  const max = EVENT_LIMITS.frameField;
  const filename =
    readString(item, 'filename', max, fail) ??
    readString(item, 'abs_path', max, fail);
  const module = readString(item, 'module', max, fail);
  const fn = readString(item, 'function', max, fail);
  const lineno = readCount(item, 'lineno', fail);
  const colno = readCount(item, 'colno', fail);
  const inApp = item.in_app;
  if (inApp !== undefined && inApp !== null && typeof inApp !== 'boolean') {
    fail('in_app', 'Expected boolean');
  }
  if (filename) frame.filename = filename;
  if (module) frame.module = module;
  if (fn) frame.function = fn;
  if (lineno !== undefined) frame.lineno = lineno;
  if (colno !== undefined) frame.colno = colno;
  if (typeof inApp === 'boolean') frame.inApp = inApp;
  return frame;
}

const framesSchema = fastArray<NormalizedFrame>(
  Number.MAX_SAFE_INTEGER,
  readFrame,
);

const exceptionSchema = z.object({
  type: optionalCut(EVENT_LIMITS.frameField),
  value: optionalCut(EVENT_LIMITS.exceptionValue),
  module: optionalCut(EVENT_LIMITS.frameField),
  stacktrace: z.object({ frames: framesSchema.nullish() }).nullish(),
});

const messageObjectSchema = z.object({
  formatted: optionalCut(EVENT_LIMITS.message),
  message: optionalCut(EVENT_LIMITS.message),
});

const messageSchema = z.preprocess(
  v => (typeof v === 'string' ? { formatted: v } : v),
  messageObjectSchema,
);

const tagValueSchema = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(v => truncate(String(v), EVENT_LIMITS.tagValue));

const tagsSchema = z.preprocess(
  v =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.entries(v as Record<string, unknown>)
      : v,
  z.array(
    z.tuple([
      z
        .string()
        .trim()
        .min(1)
        .max(EVENT_LIMITS.tagKey)
        .regex(/^[^\s]+$/, 'tag keys cannot contain whitespace'),
      tagValueSchema,
    ]),
  ),
);

const releaseSchema = z
  .string()
  .trim()
  .min(1)
  .max(EVENT_LIMITS.release)
  .refine(v => !/[\r\n\t\\/]/.test(v) && !['.', '..', 'latest'].includes(v), {
    message: 'not a valid release name',
  });

const environmentSchema = z
  .string()
  .trim()
  .min(1)
  .max(EVENT_LIMITS.environment)
  .refine(v => !/[\r\n\t/]/.test(v), {
    message: 'not a valid environment name',
  });

const userSchema = z.object({
  id: z
    .union([z.string(), z.number()])
    .nullish()
    .transform(v =>
      v === null || v === undefined || v === ''
        ? undefined
        : truncate(String(v), EVENT_LIMITS.userField),
    ),
  email: optionalCut(EVENT_LIMITS.userField),
  username: optionalCut(EVENT_LIMITS.userField),
  ip_address: z
    .string()
    .nullish()
    .transform((v, ctx) => {
      if (!v || v === '{{auto}}') return undefined;
      if (isIP(v.trim()) === 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: 'not an IP address',
        });
        return z.NEVER;
      }
      return v.trim();
    }),
});

type RawSpan = Omit<NormalizedSpan, 'hash'> & { hash?: string };

function readSpan(item: Record<string, unknown>, fail: Fail): RawSpan {
  const span: Omit<NormalizedSpan, 'hash'> = {};
  const spanId = readString(item, 'span_id', 64, fail);
  const parentSpanId = readString(item, 'parent_span_id', 64, fail);
  const op = readString(item, 'op', 64, fail);
  const description = readString(
    item,
    'description',
    EVENT_LIMITS.spanDescription,
    fail,
  );
  for (const field of ['start_timestamp', 'timestamp'] as const) {
    const value = item[field];
    if (value === undefined || value === null) continue;
    const ms = readTimestamp(value);
    if (Number.isNaN(ms)) fail(field, TIMESTAMP_MESSAGE);
    else if (field === 'timestamp') span.timestamp = new Date(ms).toISOString();
    else span.startTimestamp = new Date(ms).toISOString();
  }
  if (spanId) span.spanId = spanId;
  if (parentSpanId) span.parentSpanId = parentSpanId;
  if (op) span.op = op;
  if (description) span.description = description;
  return span;
}

const spansSchema = fastArray<RawSpan>(EVENT_LIMITS.spans, readSpan);

const contextsSchema = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .superRefine((value, ctx) => {
    if (JSON.stringify(value).length > EVENT_LIMITS.contextsJson) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `larger than ${EVENT_LIMITS.contextsJson} bytes`,
      });
    }
  });

const rawEventSchema = z
  .object({
    entityRef: entityRefSchema,
    type: z.enum(['error', 'default', 'transaction']).nullish(),
    event_id: eventIdSchema.nullish(),
    timestamp: timestampSchema.nullish(),
    start_timestamp: timestampSchema.nullish(),
    platform: optionalCut(64),
    level: levelSchema.nullish(),
    message: messageSchema.nullish(),
    logentry: messageObjectSchema.nullish(),
    exception: z
      .preprocess(
        v => (Array.isArray(v) ? { values: v } : v),
        z.object({
          values: z
            .array(exceptionSchema)
            .max(EVENT_LIMITS.exceptions)
            .nullish(),
        }),
      )
      .nullish(),
    fingerprint: z
      .array(
        z
          .union([z.string(), z.number()])
          .transform(v => truncate(String(v), EVENT_LIMITS.fingerprintPart)),
      )
      .max(EVENT_LIMITS.fingerprintParts)
      .nullish(),
    release: releaseSchema.nullish(),
    environment: environmentSchema.nullish(),
    user: userSchema.nullish(),
    tags: tagsSchema.nullish(),
    contexts: contextsSchema.nullish(),
    transaction: optionalCut(EVENT_LIMITS.transaction),
    spans: spansSchema.nullish(),
  })
  .superRefine((event, ctx) => {
    if (event.type !== 'transaction') return;
    if (!event.transaction) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['transaction'],
        message: 'required for a transaction',
      });
    }
    if (event.start_timestamp === null || event.start_timestamp === undefined) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['start_timestamp'],
        message: 'required for a transaction',
      });
    } else if (
      event.timestamp !== null &&
      event.timestamp !== undefined &&
      event.timestamp < event.start_timestamp
    ) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['timestamp'],
        message: 'earlier than start_timestamp',
      });
    }
  });

type RawEvent = z.infer<typeof rawEventSchema>;
type RawException = z.infer<typeof exceptionSchema>;

/**
 * The hot path: reads a well-formed event by hand, producing exactly what `rawEventSchema` would.
 * Returns undefined at the first thing it does not accept, and zod then parses the event (for
 * its error messages, or for the rarer shapes this does not handle).
 */
const NOT_ACCEPTED = Symbol('not accepted');
type Maybe<T> = T | typeof NOT_ACCEPTED;

const isNil = (v: unknown): v is null | undefined =>
  v === undefined || v === null;

function isRecord(v: unknown): v is Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** `optionalCut(max)`: a string cut to `max`, '' and null become undefined. */
function fastOptionalCut(v: unknown, max: number): Maybe<string | undefined> {
  if (isNil(v)) return undefined;
  if (typeof v !== 'string') return NOT_ACCEPTED;
  return truncate(v, max) || undefined;
}

function fastMessageObject(
  v: unknown,
): Maybe<{ formatted?: string; message?: string }> {
  if (!isRecord(v)) return NOT_ACCEPTED;
  const formatted = fastOptionalCut(v.formatted, EVENT_LIMITS.message);
  const message = fastOptionalCut(v.message, EVENT_LIMITS.message);
  if (formatted === NOT_ACCEPTED || message === NOT_ACCEPTED)
    return NOT_ACCEPTED;
  return { formatted, message };
}

function fastItems<T>(
  v: unknown,
  max: number,
  read: (item: Record<string, unknown>, fail: Fail) => T,
): Maybe<T[]> {
  if (!Array.isArray(v) || v.length > max) return NOT_ACCEPTED;
  let failed = false;
  const fail = () => {
    failed = true;
  };
  const result: T[] = [];
  for (const item of v) {
    if (!item || typeof item !== 'object' || Array.isArray(item))
      return NOT_ACCEPTED;
    const value = read(item as Record<string, unknown>, fail);
    if (failed) return NOT_ACCEPTED;
    result.push(value);
  }
  return result;
}

function fastException(v: unknown): Maybe<RawException> {
  if (!isRecord(v)) return NOT_ACCEPTED;
  const type = fastOptionalCut(v.type, EVENT_LIMITS.frameField);
  const value = fastOptionalCut(v.value, EVENT_LIMITS.exceptionValue);
  const module = fastOptionalCut(v.module, EVENT_LIMITS.frameField);
  if (
    type === NOT_ACCEPTED ||
    value === NOT_ACCEPTED ||
    module === NOT_ACCEPTED
  )
    return NOT_ACCEPTED;
  let stacktrace: RawException['stacktrace'];
  if (isNil(v.stacktrace)) stacktrace = v.stacktrace;
  else if (!isRecord(v.stacktrace)) return NOT_ACCEPTED;
  else {
    const frames = v.stacktrace.frames;
    if (isNil(frames)) stacktrace = { frames };
    else {
      const read = fastItems(frames, Number.MAX_SAFE_INTEGER, readFrame);
      if (read === NOT_ACCEPTED) return NOT_ACCEPTED;
      stacktrace = { frames: read };
    }
  }
  return { type, value, module, stacktrace };
}

function fastUser(v: unknown): Maybe<RawEvent['user']> {
  if (isNil(v)) return v;
  if (!isRecord(v)) return NOT_ACCEPTED;
  let id: string | undefined;
  if (isNil(v.id) || v.id === '') id = undefined;
  else if (
    typeof v.id === 'string' ||
    (typeof v.id === 'number' && !Number.isNaN(v.id))
  )
    id = truncate(String(v.id), EVENT_LIMITS.userField);
  else return NOT_ACCEPTED;
  const email = fastOptionalCut(v.email, EVENT_LIMITS.userField);
  const username = fastOptionalCut(v.username, EVENT_LIMITS.userField);
  if (email === NOT_ACCEPTED || username === NOT_ACCEPTED) return NOT_ACCEPTED;
  let ip: string | undefined;
  const rawIp = v.ip_address;
  if (isNil(rawIp)) ip = undefined;
  else if (typeof rawIp !== 'string') return NOT_ACCEPTED;
  else if (!rawIp || rawIp === '{{auto}}') ip = undefined;
  else if (isIP(rawIp.trim()) === 0) return NOT_ACCEPTED;
  else ip = rawIp.trim();
  return { id, email, username, ip_address: ip };
}

const TAG_KEY = /^[^\s]+$/;

function fastTags(
  v: unknown,
): Maybe<Array<[string, string]> | null | undefined> {
  if (isNil(v)) return v;
  let pairs: unknown[];
  if (isRecord(v)) pairs = Object.entries(v);
  else if (Array.isArray(v)) pairs = v;
  else return NOT_ACCEPTED;
  const result: Array<[string, string]> = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return NOT_ACCEPTED;
    const [rawKey, rawValue] = pair;
    if (typeof rawKey !== 'string') return NOT_ACCEPTED;
    const k = rawKey.trim();
    if (k.length < 1 || k.length > EVENT_LIMITS.tagKey || !TAG_KEY.test(k))
      return NOT_ACCEPTED;
    if (
      typeof rawValue !== 'string' &&
      typeof rawValue !== 'boolean' &&
      !(typeof rawValue === 'number' && !Number.isNaN(rawValue))
    )
      return NOT_ACCEPTED;
    result.push([k, truncate(String(rawValue), EVENT_LIMITS.tagValue)]);
  }
  return result;
}

function fastContexts(
  v: unknown,
): Maybe<Record<string, Record<string, unknown>> | null | undefined> {
  if (isNil(v)) return v;
  if (!isRecord(v)) return NOT_ACCEPTED;
  const result: Record<string, Record<string, unknown>> = {};
  for (const [k, inner] of Object.entries(v)) {
    if (k === '__proto__' || !isRecord(inner)) return NOT_ACCEPTED;
    const copy: Record<string, unknown> = {};
    for (const [ik, iv] of Object.entries(inner)) {
      if (ik === '__proto__') return NOT_ACCEPTED;
      copy[ik] = iv;
    }
    result[k] = copy;
  }
  if (JSON.stringify(result).length > EVENT_LIMITS.contextsJson)
    return NOT_ACCEPTED;
  return result;
}

function fastTimestamp(v: unknown): Maybe<number | null | undefined> {
  if (isNil(v)) return v;
  if (typeof v !== 'number' && typeof v !== 'string') return NOT_ACCEPTED;
  const ms = readTimestamp(v);
  return Number.isNaN(ms) ? NOT_ACCEPTED : ms;
}

function fastName(
  v: unknown,
  max: number,
  invalid: RegExp,
  reserved: string[],
): Maybe<string | null | undefined> {
  if (isNil(v)) return v;
  if (typeof v !== 'string') return NOT_ACCEPTED;
  const text = v.trim();
  if (
    text.length < 1 ||
    text.length > max ||
    invalid.test(text) ||
    reserved.includes(text)
  )
    return NOT_ACCEPTED;
  return text;
}

const EVENT_ID_HEX = /^[0-9a-f]{32}$/;
const EVENT_ID_UUID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EVENT_TYPES = new Set(['error', 'default', 'transaction']);

function fastRawEvent(v: Record<string, unknown>): RawEvent | undefined {
  // entityRef
  const rawRef = v.entityRef;
  if (typeof rawRef !== 'string' || rawRef.length < 1 || rawRef.length > 512)
    return undefined;
  let entityRef: string;
  try {
    entityRef = canonicalEntityRef(rawRef);
  } catch {
    return undefined;
  }
  // type
  const type = v.type;
  if (!isNil(type) && !(typeof type === 'string' && EVENT_TYPES.has(type)))
    return undefined;
  // event_id
  let eventId: string | null | undefined;
  if (isNil(v.event_id)) eventId = v.event_id;
  else if (typeof v.event_id !== 'string') return undefined;
  else {
    const text = v.event_id.trim().toLowerCase();
    if (EVENT_ID_HEX.test(text)) eventId = text;
    else if (EVENT_ID_UUID.test(text)) eventId = text.replace(/-/g, '');
    else return undefined;
  }
  const timestamp = fastTimestamp(v.timestamp);
  const startTimestamp = fastTimestamp(v.start_timestamp);
  const platform = fastOptionalCut(v.platform, 64);
  if (
    timestamp === NOT_ACCEPTED ||
    startTimestamp === NOT_ACCEPTED ||
    platform === NOT_ACCEPTED
  )
    return undefined;
  // level
  let level: RawEvent['level'];
  if (isNil(v.level)) level = v.level;
  else if (typeof v.level !== 'string') return undefined;
  else {
    let lower = v.level.trim().toLowerCase();
    if (lower === 'warn') lower = 'warning';
    else if (lower === 'critical') lower = 'fatal';
    if (!(LEVELS as readonly string[]).includes(lower)) return undefined;
    level = lower as RawEvent['level'];
  }
  // message, logentry
  let message: RawEvent['message'];
  if (isNil(v.message)) message = v.message;
  else {
    const read = fastMessageObject(
      typeof v.message === 'string' ? { formatted: v.message } : v.message,
    );
    if (read === NOT_ACCEPTED) return undefined;
    message = read;
  }
  let logentry: RawEvent['logentry'];
  if (isNil(v.logentry)) logentry = v.logentry;
  else {
    const read = fastMessageObject(v.logentry);
    if (read === NOT_ACCEPTED) return undefined;
    logentry = read;
  }
  // exception
  let exception: RawEvent['exception'];
  if (isNil(v.exception)) exception = v.exception;
  else {
    const wrapped = Array.isArray(v.exception)
      ? { values: v.exception }
      : v.exception;
    if (!isRecord(wrapped)) return undefined;
    const values = wrapped.values;
    if (isNil(values)) exception = { values };
    else {
      if (!Array.isArray(values) || values.length > EVENT_LIMITS.exceptions)
        return undefined;
      const read: RawException[] = [];
      for (const item of values) {
        const e = fastException(item);
        if (e === NOT_ACCEPTED) return undefined;
        read.push(e);
      }
      exception = { values: read };
    }
  }
  // fingerprint
  let fingerprint: RawEvent['fingerprint'];
  if (isNil(v.fingerprint)) fingerprint = v.fingerprint;
  else {
    if (
      !Array.isArray(v.fingerprint) ||
      v.fingerprint.length > EVENT_LIMITS.fingerprintParts
    )
      return undefined;
    fingerprint = [];
    for (const part of v.fingerprint) {
      if (
        typeof part !== 'string' &&
        !(typeof part === 'number' && !Number.isNaN(part))
      )
        return undefined;
      fingerprint.push(truncate(String(part), EVENT_LIMITS.fingerprintPart));
    }
  }
  const release = fastName(v.release, EVENT_LIMITS.release, /[\r\n\t\\/]/, [
    '.',
    '..',
    'latest',
  ]);
  const environment = fastName(
    v.environment,
    EVENT_LIMITS.environment,
    /[\r\n\t/]/,
    [],
  );
  const user = fastUser(v.user);
  const tags = fastTags(v.tags);
  const contexts = fastContexts(v.contexts);
  const transaction = fastOptionalCut(v.transaction, EVENT_LIMITS.transaction);
  if (
    release === NOT_ACCEPTED ||
    environment === NOT_ACCEPTED ||
    user === NOT_ACCEPTED ||
    tags === NOT_ACCEPTED ||
    contexts === NOT_ACCEPTED ||
    transaction === NOT_ACCEPTED
  )
    return undefined;
  let spans: RawEvent['spans'];
  if (isNil(v.spans)) spans = v.spans;
  else {
    const read = fastItems(v.spans, EVENT_LIMITS.spans, readSpan);
    if (read === NOT_ACCEPTED) return undefined;
    spans = read;
  }
  if (type === 'transaction') {
    if (!transaction || isNil(startTimestamp)) return undefined;
    if (!isNil(timestamp) && timestamp < startTimestamp) return undefined;
  }
  return {
    entityRef,
    type: type as RawEvent['type'],
    event_id: eventId,
    timestamp,
    start_timestamp: startTimestamp,
    platform,
    level,
    message,
    logentry,
    exception,
    fingerprint,
    release,
    environment,
    user,
    tags,
    contexts,
    transaction,
    spans,
  };
}

const canonicalRefs = new Map<string, string>();

/** `kind:namespace/name`, lower-case: entity refs compare case-insensitively. */
export function canonicalEntityRef(ref: string): string {
  let canonical = canonicalRefs.get(ref);
  if (canonical === undefined) {
    canonical = stringifyEntityRef(
      parseEntityRef(ref.trim()),
    ).toLocaleLowerCase('en-US');
    // A few entities send nearly all events; bound the memo for the rest.
    if (canonicalRefs.size >= 10_000) canonicalRefs.clear();
    canonicalRefs.set(ref, canonical);
  }
  return canonical;
}

/** Keeps the first and last frames of a very deep stack (the crash site is at the end). */
function boundFrames<T>(frames: T[]): T[] {
  if (frames.length <= EVENT_LIMITS.frames) return frames;
  const half = EVENT_LIMITS.frames / 2;
  return [...frames.slice(0, half), ...frames.slice(frames.length - half)];
}

function formatPath(label: string, path: Array<string | number>): string {
  let text = label;
  for (const part of path) {
    text += typeof part === 'number' ? `[${part}]` : `.${part}`;
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
    const spans: NormalizedSpan[] = (raw.spans ?? []).map(span => ({
      ...span,
      hash: spanGroupHash(span.op, span.description),
    }));
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
      frames: boundFrames(e.stacktrace?.frames ?? []),
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
export interface EventValidationError {
  /** Position in the batch (0 for a single event). */
  index: number;
  /** The event's entity, when it named a valid one (its `invalid` outcome is counted there). */
  entityRef?: string;
  /** `events[3].level: expected one of …` */
  message: string;
}

/** Validates and normalizes one event; `label` prefixes error paths (`event`, `events[3]`). */
export function normalizeEvent(
  value: unknown,
  label: string,
  now: Date = new Date(),
  /** `fastPath: false` parses with the zod schema only (tests compare the two). */
  options?: { fastPath?: boolean },
): { event: NormalizedEvent } | { error: string; entityRef?: string } {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return { error: `${label}: expected an event object` };
  }
  if (options?.fastPath !== false) {
    const raw = fastRawEvent(value as Record<string, unknown>);
    if (raw) return { event: buildEvent(raw, now) };
  }
  const result = rawEventSchema.safeParse(value);
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
export function normalizeEventBody(
  body: unknown,
  now: Date = new Date(),
): {
  events: NormalizedEvent[];
  /** Each event's position in the request. */
  positions: number[];
  errors: EventValidationError[];
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
  const errors: EventValidationError[] = [];
  values.forEach((value, index) => {
    const result = normalizeEvent(
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
