const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** "5 minutes ago" style text for an ISO timestamp; `fallback` when absent. */
export function formatRelativeTime(
  iso: string | null | undefined,
  fallback = 'Never',
  now: number = Date.now(),
): string {
  if (!iso) {
    return fallback;
  }
  const time = Date.parse(iso);
  if (Number.isNaN(time)) {
    return fallback;
  }
  const seconds = Math.round((time - now) / 1000);
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return format.format(Math.round(seconds / size), unit);
    }
  }
  return fallback;
}

/** Full local date and time, for tooltips. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) {
    return '';
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}
