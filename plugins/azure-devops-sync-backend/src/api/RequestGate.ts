/**
 * Holds requests to one ADO organization back while ADO has asked us to wait.
 *
 * ADO sends `Retry-After` on 429 and also on a 200 when it has started delaying an identity, and
 * `X-RateLimit-Reset` (epoch seconds) with `X-RateLimit-Remaining`. One gate per organization,
 * shared by every client of it, so a hint seen by one call slows all of them.
 */
export class RequestGate {
  private notBefore = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** Waits until the gate opens. */
  async wait(sleep: (ms: number) => Promise<void>): Promise<void> {
    // Loop: another call may push the gate further while we sleep.
    for (;;) {
      const delay = this.notBefore - this.now();
      if (delay <= 0) return;
      await sleep(delay);
    }
  }

  /** Keeps the gate shut for at least `ms` from now. */
  holdFor(ms: number): void {
    this.notBefore = Math.max(this.notBefore, this.now() + ms);
  }

  /** How long ADO asked us to wait before the next call, if it said so. */
  retryDelayMs(headers: Headers): number | undefined {
    const retryAfter = headers.get('retry-after');
    if (retryAfter) {
      const seconds = Number(retryAfter);
      if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
      const date = Date.parse(retryAfter);
      if (!Number.isNaN(date)) return Math.max(0, date - this.now());
    }
    const remaining = headers.get('x-ratelimit-remaining');
    const reset = Number(headers.get('x-ratelimit-reset'));
    if (
      remaining !== null &&
      Number(remaining) <= 0 &&
      Number.isFinite(reset) &&
      reset > 0
    ) {
      return Math.max(0, reset * 1000 - this.now());
    }
    return undefined;
  }

  /** Reads the throttling hints of any response, successful ones included. */
  observe(headers: Headers, status: number): void {
    if (status === 429) return; // the retry path applies it
    const delay = this.retryDelayMs(headers);
    if (delay !== undefined && delay > 0) this.holdFor(delay);
  }
}
