import { performance } from 'node:perf_hooks';
import {
  setImmediate as nextTurn,
  setTimeout as sleep,
} from 'node:timers/promises';

export interface AckPriorityOptions {
  /** How long one measurement of the event loop's load lasts. */
  windowMs: number;
  /** Above this share of a window spent running code (not waiting for I/O), the loop is full. */
  busyShare: number;
  /** Webhook requests count as arriving until this long after the last one. */
  quietMs: number;
  /** The longest a delivery waits for room: applying slows down under load, it never stops. */
  maxWaitMs: number;
}

export const DEFAULT_ACK_PRIORITY: AckPriorityOptions = {
  windowMs: 20,
  busyShare: 0.85,
  quietMs: 100,
  maxWaitMs: 1_000,
};

/** What AckPriority reads from the process; replaceable in tests. */
export interface LoopClock {
  now(): number;
  /** Share of the time since the previous call that the event loop spent running code. */
  utilization(): number;
  sleep(ms: number): Promise<void>;
}

function processLoopClock(): LoopClock {
  let last = performance.eventLoopUtilization();
  return {
    now: () => performance.now(),
    utilization() {
      const current = performance.eventLoopUtilization();
      const { utilization } = performance.eventLoopUtilization(current, last);
      last = current;
      return utilization;
    },
    sleep: ms => sleep(ms).then(() => undefined),
  };
}

/**
 * Acknowledging ADO comes before applying what it sent. ADO waits for each 2xx and retries,
 * then puts the hook on probation, when answers are slow; an applied delivery only changes when
 * an issue updates. Both run on one event loop, so while webhook requests are arriving and the
 * loop has no room left, the inbox processor waits before each delivery (event loop time, not
 * wall time: on PostgreSQL most of a delivery is spent waiting for the database, which costs
 * the acknowledgements nothing). A burst is acknowledged at full speed and applied right after.
 */
export class AckPriority {
  private lastRequestAt = -Infinity;
  private windowStart: number;
  private full = false;

  constructor(
    private readonly options: AckPriorityOptions = DEFAULT_ACK_PRIORITY,
    private readonly clock: LoopClock = processLoopClock(),
  ) {
    this.windowStart = clock.now();
  }

  /** Called by the webhook route for every request, before it reads the body. */
  noteRequest(): void {
    this.lastRequestAt = this.clock.now();
  }

  /** Resolves when the inbox processor may apply its next delivery. */
  async turn(): Promise<void> {
    // Always one turn: a batch on SQLite (which answers synchronously) must not run as one task.
    await nextTurn();
    const deadline = this.clock.now() + this.options.maxWaitMs;
    while (this.loopIsFull() && this.clock.now() < deadline) {
      await this.clock.sleep(this.options.windowMs);
    }
  }

  private loopIsFull(): boolean {
    const now = this.clock.now();
    if (now - this.lastRequestAt > this.options.quietMs) return false;
    if (now - this.windowStart >= this.options.windowMs) {
      this.full = this.clock.utilization() > this.options.busyShare;
      this.windowStart = now;
    }
    return this.full;
  }
}
