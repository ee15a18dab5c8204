/**
 * A fixed arrival rate, open loop: request i is due at start + i / rate, whether or not earlier
 * answers have come back, and its latency is counted from when it was due (as wrk2 does), so a
 * stalled server or a late client shows in the figure instead of slowing the load down.
 *
 * autocannon cannot do this: its `overallRate` lets each connection send its share back to back
 * at the start of every second and then idles, so "500/s" is a burst at full speed twice a
 * second; and it weights each answer by its latency in ms (`recordValueWithExpectedInterval`
 * with an expected interval of `ceil(1 / rate)` = 1 ms), which inflates p99.
 */
import { build } from 'hdr-histogram-js';
import { Pool } from 'undici';

export interface OpenLoopOptions {
  url: string;
  headers: Record<string, string>;
  rate: number;
  seconds: number;
  /** Most connections open at once; requests wait in the pool when all are busy. */
  connections: number;
  body: () => string;
  onResponse: (status: number, body: string) => void;
}

export interface OpenLoopResult {
  sent: number;
  ok2xx: number;
  /** Non-2xx answers plus requests that failed or timed out. */
  failed: number;
  seconds: number;
  p50: number;
  p99: number;
  max: number;
  /** How late this process sent its most delayed request, ms: the load generator's own stalls. */
  sendLateMax?: number;
}

/** A latency histogram in microseconds (sub-millisecond answers keep their precision), up to 60 s. */
export function microsecondHistogram() {
  return build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

export async function openLoop(
  options: OpenLoopOptions,
): Promise<OpenLoopResult> {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, {
    connections: options.connections,
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const latency = microsecondHistogram();
  const total = Math.round(options.rate * options.seconds);
  const intervalMs = 1000 / options.rate;
  let ok2xx = 0;
  let failed = 0;
  let sendLateMax = 0;
  const inFlight: Promise<void>[] = [];

  const send = async (dueAt: number) => {
    try {
      const response = await pool.request({
        path: url.pathname,
        method: 'POST',
        headers: options.headers,
        body: options.body(),
      });
      const text = await response.body.text();
      latency.recordValue(Math.round((performance.now() - dueAt) * 1000));
      if (response.statusCode >= 200 && response.statusCode < 300) ok2xx++;
      else failed++;
      options.onResponse(response.statusCode, text);
    } catch {
      failed++;
    }
  };

  const start = performance.now();
  let next = 0;
  await new Promise<void>(resolve => {
    const tick = () => {
      // Catch up on every request already due: a late timer must not lower the rate.
      const now = performance.now();
      while (next < total && start + next * intervalMs <= now) {
        sendLateMax = Math.max(sendLateMax, now - (start + next * intervalMs));
        inFlight.push(send(start + next * intervalMs));
        next++;
      }
      if (next >= total) {
        resolve();
        return;
      }
      setTimeout(tick, Math.max(0, start + next * intervalMs - now));
    };
    tick();
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - start) / 1000;
  await pool.close();
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    sent: total,
    ok2xx,
    failed,
    seconds,
    p50: ms(latency.getValueAtPercentile(50)),
    p99: ms(latency.getValueAtPercentile(99)),
    max: ms(latency.maxValue),
    sendLateMax: Math.round(sendLateMax * 10) / 10,
  };
}
