import { LoggerService } from '@backstage/backend-plugin-api';

/** How often a running drain refreshes its claims. */
export const HEARTBEAT_MS = 10_000;
/** A claim not refreshed for this long belongs to a dead runner: the sweep releases it. */
export const STALE_CLAIM_MS = 3 * HEARTBEAT_MS;

/**
 * Runs a queue's `runOnce` until it reports no work, one run at a time. `kick()` asks for a run
 * right away (after a webhook is accepted or a job queued); the scheduled sweep calls `drain()`
 * for anything left after a crash, a restart or a retry delay.
 */
export class Drainer {
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly name: string,
    private readonly runOnce: () => Promise<number>,
    private readonly logger: LoggerService,
    /**
     * How long a kick waits to gather company: under load one run then takes a batch of
     * deliveries instead of one each, and the queries per delivery drop accordingly.
     */
    private readonly kickDelayMs = 0,
    /** Called every {@link HEARTBEAT_MS} while a drain runs: keeps this runner's claims fresh. */
    private readonly heartbeat?: () => Promise<void>,
  ) {}

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.drain().catch(error =>
        this.logger.warn(
          `${this.name} run failed: ${(error as Error).message}`,
        ),
      );
    }, this.kickDelayMs);
  }

  drain(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const beat = this.heartbeat
      ? setInterval(
          () =>
            this.heartbeat!().catch(error =>
              this.logger.warn(
                `${this.name} heartbeat failed: ${(error as Error).message}`,
              ),
            ),
          HEARTBEAT_MS,
        )
      : undefined;
    this.running = (async () => {
      try {
        do {
          this.again = false;
          while (!this.stopped && (await this.runOnce()) > 0) {
            // keep going while there is work
          }
        } while (this.again && !this.stopped);
      } finally {
        clearInterval(beat);
        this.running = undefined;
      }
    })();
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
