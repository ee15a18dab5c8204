/** Whether an entity may store `count` more events now. */
export type RateDecision =
  | { ok: true }
  | { ok: false; retryAfterSeconds: number };

const MAX_BUCKETS = 10_000;

/**
 * Events per minute per entity, as a token bucket: full at `perMinute`, refilled evenly over a
 * minute, so a burst is taken at once and a steady flood is held to the rate. In memory, per
 * backend replica (each replica allows the rate).
 */
export class EntityRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly perMs: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.perMs = perMinute / 60_000;
  }

  /** Takes `count` tokens, or none and says when there will be enough. */
  take(entityRef: string, count: number): RateDecision {
    const bucket = this.refilled(entityRef);
    // An envelope larger than the bucket would never fit: it takes the whole bucket instead.
    const need = Math.min(count, this.perMinute);
    if (bucket.tokens >= need) {
      bucket.tokens -= need;
      return { ok: true };
    }
    return {
      ok: false,
      retryAfterSeconds: Math.max(
        1,
        Math.ceil((need - bucket.tokens) / this.perMs / 1000),
      ),
    };
  }

  /** Whether at least one event would be taken now (checked before the body is read). */
  peek(entityRef: string): RateDecision {
    const bucket = this.refilled(entityRef);
    return bucket.tokens >= 1
      ? { ok: true }
      : {
          ok: false,
          retryAfterSeconds: Math.max(
            1,
            Math.ceil((1 - bucket.tokens) / this.perMs / 1000),
          ),
        };
  }

  private refilled(entityRef: string) {
    const now = this.now();
    let bucket = this.buckets.get(entityRef);
    if (!bucket) {
      // Bounded: entities come from keys, but a full map is cheaper to drop than to sweep.
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
      bucket = { tokens: this.perMinute, at: now };
      this.buckets.set(entityRef, bucket);
    } else {
      bucket.tokens = Math.min(
        this.perMinute,
        bucket.tokens + (now - bucket.at) * this.perMs,
      );
      bucket.at = now;
    }
    return bucket;
  }
}
