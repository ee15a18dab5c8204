/** Stack frames and spans as sent: checked in place, by hand (see checkedInPlace for why). */
import { z } from 'zod/v4';
import { EVENT_LIMITS } from './eventLimits';
import { receivedType } from '../api/zodMessages';
import { readTimestamp, TIMESTAMP_MESSAGE } from './eventValues';

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
export const framesSchema = checkedInPlace<RawFrame>(frameProblem, Infinity);

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

export const spansSchema = checkedInPlace<RawSpan>(
  spanProblem,
  EVENT_LIMITS.spans,
);
