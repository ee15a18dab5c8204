import { isIP } from 'node:net';
import { z } from 'zod/v4';
import { canonicalEntityRef } from './canonicalEntityRef';
import { truncate } from './grouping';

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

export const LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
/** Timestamps more than this far in the future are taken as "now" (a client clock running fast). */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

/** A string cut to `max`; '' and null are absent. One transform: each costs about 1 µs. */
const optionalCut = (max: number) =>
  z
    .string()
    .nullish()
    .transform(s => (s ? truncate(s, max) : undefined));

function receivedType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'nan';
  return typeof input;
}

const SIZE_WORDING: Record<string, [string, string]> = {
  string: ['String', 'character(s)'],
  array: ['Array', 'element(s)'],
};

const V3_TYPE_NAMES: Record<string, string> = {
  tuple: 'array',
  record: 'object',
};

/**
 * Messages for issues the schema gives no message of its own, worded as they have always been
 * (`Required`, `Expected string, received number`, `Array must contain at most 25 element(s)`),
 * since clients see them in 400 answers.
 */
export const errorEventMessages: z.core.$ZodErrorMap = issue => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      return `Expected ${
        V3_TYPE_NAMES[issue.expected] ?? issue.expected
      }, received ${receivedType(issue.input)}`;
    case 'invalid_union':
      return 'Invalid input';
    case 'invalid_value': {
      const expected = issue.values.map(v => `'${String(v)}'`).join(' | ');
      return typeof issue.input === 'string'
        ? `Invalid enum value. Expected ${expected}, received '${issue.input}'`
        : `Expected ${expected}, received ${receivedType(issue.input)}`;
    }
    case 'too_small':
    case 'too_big': {
      const wording = SIZE_WORDING[issue.origin];
      if (!wording) return undefined;
      const [noun, what] = wording;
      const bound =
        issue.code === 'too_small'
          ? `at least ${issue.minimum}`
          : `at most ${issue.maximum}`;
      return `${noun} must contain ${bound} ${what}`;
    }
    default:
      return undefined;
  }
};

/** Epoch milliseconds from ISO 8601 or epoch seconds (number or numeric string); NaN if invalid. */
export function readTimestamp(value: unknown): number {
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
      ctx.addIssue({ code: 'custom', message: TIMESTAMP_MESSAGE });
      return z.NEVER;
    }
    return ms;
  });

const eventIdSchema = z.string().transform((value, ctx) => {
  const text = value.trim().toLowerCase();
  if (/^[0-9a-f]{32}$/.test(text)) return text;
  if (
    /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(text)
  ) {
    return text.replace(/-/g, '');
  }
  ctx.addIssue({
    code: 'custom',
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
        code: 'custom',
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
      error: `expected one of ${LEVELS.join(', ')}`,
    }),
  );

const COUNT_MESSAGE = 'expected a non-negative integer';

const isAbsent = (v: unknown) => v === undefined || v === null || v === '';
const isPresent = (v: unknown) => v !== undefined && v !== null;

/** What is wrong with an item of an array checked in place, as zod words it. */
type Problem = { path: string[]; message: string } | undefined;

function notAnObject(value: unknown): boolean {
  return !value || typeof value !== 'object' || Array.isArray(value);
}

function stringsProblem(
  item: Record<string, unknown>,
  keys: readonly string[],
): Problem {
  for (const key of keys) {
    const v = item[key];
    if (isPresent(v) && typeof v !== 'string')
      return {
        path: [key],
        message: `Expected string, received ${receivedType(v)}`,
      };
  }
  return undefined;
}

/**
 * Frames and spans are checked by hand, in place: a batch holds tens of thousands of them,
 * and a zod object each allocated a copy and a result per field, most of an event's parse
 * (30 → 12 µs for an event of 20 frames) and of the save path's garbage (bench:events).
 * parseErrorEvents.ts cuts and renames their fields.
 */
function checkedInPlace<T>(problemOf: (item: unknown) => Problem, max: number) {
  return z
    .array(z.unknown())
    .max(max)
    .transform((items, ctx) => {
      items.forEach((item, i) => {
        const problem = problemOf(item);
        if (problem)
          ctx.addIssue({
            code: 'custom',
            path: [i, ...problem.path],
            message: problem.message,
          });
      });
      return items as T[];
    });
}

/** A stack frame as sent. */
export interface RawFrame {
  filename?: string | null;
  /** Read only when `filename` is absent. */
  abs_path?: unknown;
  module?: string | null;
  function?: string | null;
  lineno?: number | null;
  colno?: number | null;
  in_app?: boolean | null;
}

function frameProblem(value: unknown): Problem {
  if (notAnObject(value)) return { path: [], message: 'expected an object' };
  const frame = value as Record<string, unknown>;
  const strings = stringsProblem(frame, ['filename', 'module', 'function']);
  if (strings) return strings;
  for (const key of ['lineno', 'colno']) {
    const v = frame[key];
    if (isPresent(v) && !(Number.isInteger(v) && (v as number) >= 0))
      return { path: [key], message: COUNT_MESSAGE };
  }
  if (isPresent(frame.in_app) && typeof frame.in_app !== 'boolean')
    return { path: ['in_app'], message: 'Expected boolean' };
  if (
    !frame.filename &&
    !isAbsent(frame.abs_path) &&
    typeof frame.abs_path !== 'string'
  ) {
    return {
      path: ['abs_path'],
      message: `Expected string, received ${typeof frame.abs_path}`,
    };
  }
  return undefined;
}

/** Too many frames are not refused: boundFrames keeps both ends of a very deep stack. */
const framesSchema = checkedInPlace<RawFrame>(frameProblem, Infinity);

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
    // The pair's length is checked before its items (a one-item pair says so).
    z
      .array(z.unknown())
      .min(2)
      .max(2)
      .pipe(
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
          code: 'custom',
          message: 'not an IP address',
        });
        return z.NEVER;
      }
      return v.trim();
    }),
});

/** A span of a transaction as sent. */
export interface RawSpan {
  span_id?: string | null;
  parent_span_id?: string | null;
  op?: string | null;
  description?: string | null;
  /** Epoch seconds or ISO 8601. */
  start_timestamp?: unknown;
  timestamp?: unknown;
}

function spanProblem(value: unknown): Problem {
  if (notAnObject(value)) return { path: [], message: 'expected an object' };
  const span = value as Record<string, unknown>;
  const strings = stringsProblem(span, [
    'span_id',
    'parent_span_id',
    'op',
    'description',
  ]);
  if (strings) return strings;
  for (const key of ['start_timestamp', 'timestamp']) {
    const v = span[key];
    if (isPresent(v) && Number.isNaN(readTimestamp(v)))
      return { path: [key], message: TIMESTAMP_MESSAGE };
  }
  return undefined;
}

const spansSchema = checkedInPlace<RawSpan>(spanProblem, EVENT_LIMITS.spans);

const contextsSchema = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .superRefine((value, ctx) => {
    if (JSON.stringify(value).length > EVENT_LIMITS.contextsJson) {
      ctx.addIssue({
        code: 'custom',
        message: `larger than ${EVENT_LIMITS.contextsJson} bytes`,
      });
    }
  });

/** A Sentry-style event as sent: the one definition of what `POST /events` accepts. */
export const rawEventSchema = z
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
        code: 'custom',
        path: ['transaction'],
        message: 'required for a transaction',
      });
    }
    if (event.start_timestamp === null || event.start_timestamp === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['start_timestamp'],
        message: 'required for a transaction',
      });
    } else if (
      event.timestamp !== null &&
      event.timestamp !== undefined &&
      event.timestamp < event.start_timestamp
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['timestamp'],
        message: 'earlier than start_timestamp',
      });
    }
  });

export type RawEvent = z.infer<typeof rawEventSchema>;
