import { isIP } from 'node:net';
import { z } from 'zod/v4';
import { canonicalEntityRef } from './canonicalEntityRef';
import { EVENT_LIMITS } from './eventLimits';
import { readTimestamp, TIMESTAMP_MESSAGE } from './eventValues';
import { framesSchema, spansSchema } from './framesAndSpans';
import { truncate } from './grouping';

export const LEVELS = ['fatal', 'error', 'warning', 'info', 'debug'] as const;
/** Timestamps more than this far in the future are taken as "now" (a client clock running fast). */
export const MAX_FUTURE_MS = 5 * 60 * 1000;

/** A string cut to `max`; '' and null are absent. One transform: each costs about 1 µs. */
const optionalCut = (max: number) =>
  z
    .string()
    .nullish()
    .transform(s => (s ? truncate(s, max) : undefined));

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
