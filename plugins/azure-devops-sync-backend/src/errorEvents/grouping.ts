import { createHash } from 'node:crypto';
import type { NormalizedException, NormalizedFrame } from './types';

/** What grouping needs from an error event. */
export interface GroupingInput {
  fingerprint?: string[];
  exceptions: NormalizedException[];
  message?: string;
  messageTemplate?: string;
  transaction?: string;
}

export const TITLE_MAX = 255;
export const CULPRIT_MAX = 200;

const DEFAULT_PLACEHOLDER = /^\{\{\s*default\s*\}\}$/i;

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Cuts a string to `max` characters, marking the cut with an ellipsis. */
export function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}

/**
 * Replaces the parts of a message that vary between occurrences of the same problem (ids,
 * numbers, quoted values, dates, addresses) with placeholders, so they group together.
 */
export function normalizeMessage(message: string): string {
  return (
    message
      .replace(
        /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi,
        '<uuid>',
      )
      .replace(
        /\b\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\b/g,
        '<date>',
      )
      .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, '<ip>')
      .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
      // Hex ids: long runs of hex digits with at least one digit (not plain words).
      .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>')
      .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '<str>')
      .replace(/[-+]?\b\d+(\.\d+)?\b/g, '<int>')
      .replace(/\s+/g, ' ')
      .trim()
  );
}

/** Frames that take part in grouping: the in-app ones, or all when none is marked in-app. */
export function groupingFrames(frames: NormalizedFrame[]): NormalizedFrame[] {
  const inApp = frames.filter(f => f.inApp === true);
  return inApp.length > 0 ? inApp : frames;
}

function frameKey(frame: NormalizedFrame): string {
  // Module, else the file name without query string or hash; never the line or column.
  const where = frame.module || (frame.filename ?? '').replace(/[?#].*$/, '');
  return `${where}:${frame.function ?? '?'}`;
}

/**
 * The default grouping components (what `{{ default }}` expands to): per exception its type and
 * grouping frames, or its type and normalized value when it has no frames; else the normalized
 * message; else the transaction.
 */
export function defaultGroupingComponents(input: GroupingInput): string[] {
  const exceptions = input.exceptions.filter(
    e => e.type || e.value || e.frames.length,
  );
  if (exceptions.length > 0) {
    const components: string[] = [];
    for (const exception of exceptions) {
      components.push(`type:${exception.type ?? ''}`);
      const frames = groupingFrames(exception.frames);
      if (frames.length > 0) {
        for (const frame of frames) components.push(`frame:${frameKey(frame)}`);
      } else {
        components.push(`value:${normalizeMessage(exception.value ?? '')}`);
      }
    }
    return components;
  }
  const message = input.messageTemplate ?? input.message;
  if (message) return [`message:${normalizeMessage(message)}`];
  return [`fallback:${input.transaction ?? ''}`];
}

/** The grouping components: the explicit fingerprint (with `{{ default }}` expanded) or the default. */
export function groupingComponents(input: GroupingInput): string[] {
  if (input.fingerprint && input.fingerprint.length > 0) {
    const components: string[] = [];
    for (const part of input.fingerprint) {
      if (DEFAULT_PLACEHOLDER.test(part.trim())) {
        components.push(...defaultGroupingComponents(input));
      } else {
        components.push(`fingerprint:${part}`);
      }
    }
    return components;
  }
  return defaultGroupingComponents(input);
}

/** sha256 hex of the grouping components: the issue's `group_hash`. */
export function groupHash(input: GroupingInput): string {
  return sha256(JSON.stringify(groupingComponents(input)));
}

/** The main exception is the last one: Sentry lists chained exceptions cause first. */
function mainException(input: GroupingInput): NormalizedException | undefined {
  for (let i = input.exceptions.length - 1; i >= 0; i--) {
    const e = input.exceptions[i];
    if (e.type || e.value) return e;
  }
  return undefined;
}

/** The issue title: `Type: value` of the main exception, else the message's first line. */
export function eventTitle(input: GroupingInput): string {
  const exception = mainException(input);
  let title: string;
  if (exception) {
    const value = (exception.value ?? '').split('\n')[0].trim();
    title =
      exception.type && value
        ? `${exception.type}: ${value}`
        : exception.type || value;
  } else if (input.message) {
    title = input.message.split('\n')[0].trim();
  } else {
    title = input.transaction ?? '';
  }
  return truncate(title || '<unlabeled event>', TITLE_MAX);
}

/**
 * Where it happened: the crash-site frame (the last in-app one, else the last) of the main
 * exception as `module in function`, else the transaction name.
 */
export function eventCulprit(input: GroupingInput): string {
  const exception =
    mainException(input) ?? input.exceptions[input.exceptions.length - 1];
  const frames = exception ? groupingFrames(exception.frames) : [];
  const frame = frames[frames.length - 1];
  if (frame) {
    const where = frame.module || frame.filename || '?';
    return truncate(
      frame.function ? `${where} in ${frame.function}` : where,
      CULPRIT_MAX,
    );
  }
  return truncate(input.transaction ?? '', CULPRIT_MAX);
}
