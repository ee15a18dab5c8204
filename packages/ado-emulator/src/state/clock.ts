let last = 0;

/** ISO timestamp that never repeats or goes backwards, so ChangedDate always increases. */
export function nowIso(): string {
  const t = Math.max(Date.now(), last + 1);
  last = t;
  return new Date(t).toISOString();
}
