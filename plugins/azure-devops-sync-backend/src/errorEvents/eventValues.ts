/** Values an event's fields are read from: times in either form, and how a wrong one is named. */

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

export const TIMESTAMP_MESSAGE = 'expected an ISO 8601 date or epoch seconds';
