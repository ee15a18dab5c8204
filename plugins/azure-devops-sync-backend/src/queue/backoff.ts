/** Bounded exponential backoff with jitter; ADO's own wait wins when it gave one. */
export function retryDelayMs(
  attempt: number,
  options: { baseMs?: number; maxMs?: number; retryAfterMs?: number } = {},
): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 5 * 60_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  const jittered = exp / 2 + Math.random() * (exp / 2);
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
