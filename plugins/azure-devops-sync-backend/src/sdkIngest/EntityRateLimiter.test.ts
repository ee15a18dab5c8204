import { EntityRateLimiter } from './EntityRateLimiter';

describe('EntityRateLimiter', () => {
  it('takes a burst up to the minute rate, then refills evenly', () => {
    let now = 0;
    const limiter = new EntityRateLimiter(60, () => now);
    expect(limiter.take('a', 60)).toEqual({ ok: true });
    expect(limiter.peek('a')).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 5)).toEqual({ ok: false, retryAfterSeconds: 5 });
    // Another entity has its own bucket.
    expect(limiter.take('b', 1)).toEqual({ ok: true });
    now = 5_000;
    expect(limiter.take('a', 5)).toEqual({ ok: true });
    expect(limiter.take('a', 1)).toEqual({ ok: false, retryAfterSeconds: 1 });
  });

  it('lets an envelope larger than the bucket through once the bucket is full', () => {
    let now = 0;
    const limiter = new EntityRateLimiter(10, () => now);
    expect(limiter.take('a', 50)).toEqual({ ok: true });
    expect(limiter.take('a', 50)).toEqual({ ok: false, retryAfterSeconds: 60 });
    now = 60_000;
    expect(limiter.take('a', 50)).toEqual({ ok: true });
  });
});
