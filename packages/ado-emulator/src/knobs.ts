import { NextFunction, Request, Response } from 'express';
import { adoErrorBody } from './util/errors';

export interface ThrottleKnob {
  /** Requests answered normally before throttling starts. */
  afterRequests: number;
  retryAfterSeconds: number;
  /** How many requests get 429; until the knobs are reset when absent. */
  count?: number;
}

export interface FailKnob {
  status: number;
  count: number;
  /** Only requests whose path contains this string fail. */
  pathContains?: string;
}

export interface Knobs {
  latencyMs: number;
  throttle: ThrottleKnob | null;
  fail: FailKnob | null;
}

/** Fault and load knobs plus request statistics, applied to every non-admin request. */
export class KnobsState {
  knobs: Knobs = { latencyMs: 0, throttle: null, fail: null };
  requests = 0;
  byRoute: Record<string, number> = {};
  private throttleSeen = 0;
  private throttled = 0;
  private failed = 0;

  constructor(private readonly defaultLatencyMs = 0) {
    this.knobs.latencyMs = defaultLatencyMs;
  }

  set(update: Partial<Knobs>): Knobs {
    if (update.latencyMs !== undefined)
      this.knobs.latencyMs = Number(update.latencyMs) || 0;
    if (update.throttle !== undefined) {
      this.knobs.throttle = update.throttle;
      this.throttleSeen = 0;
      this.throttled = 0;
    }
    if (update.fail !== undefined) {
      this.knobs.fail = update.fail;
      this.failed = 0;
    }
    return this.knobs;
  }

  reset(): void {
    this.knobs = {
      latencyMs: this.defaultLatencyMs,
      throttle: null,
      fail: null,
    };
    this.throttleSeen = 0;
    this.throttled = 0;
    this.failed = 0;
  }

  resetStats(): void {
    this.requests = 0;
    this.byRoute = {};
  }

  stats() {
    return { requests: this.requests, byRoute: { ...this.byRoute } };
  }

  /** Counts the request under `METHOD /route pattern` once a route answered. */
  countRoute(req: Request): void {
    const route = req.route?.path
      ? `${req.method} ${req.route.path}`
      : `${req.method} (unmatched)`;
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
  }

  middleware() {
    return (req: Request, res: Response, next: NextFunction) => {
      this.requests += 1;
      res.on('finish', () => this.countRoute(req));
      const proceed = () => {
        if (this.injectFailure(req, res)) return;
        if (this.injectThrottle(res)) return;
        next();
      };
      if (this.knobs.latencyMs > 0) setTimeout(proceed, this.knobs.latencyMs);
      else proceed();
    };
  }

  private injectFailure(req: Request, res: Response): boolean {
    const fail = this.knobs.fail;
    if (!fail || this.failed >= fail.count) return false;
    if (fail.pathContains && !req.originalUrl.includes(fail.pathContains))
      return false;
    this.failed += 1;
    const message =
      fail.status === 503
        ? 'TF24668: The following team project collection is stopped: emulator. Start the collection and then try again.'
        : `VS800075: The emulator injected a failure with status ${fail.status}.`;
    const body = JSON.stringify(adoErrorBody('VssServiceException', message));
    // ADO's 503 bodies start with a UTF-8 BOM and have no charset (error-503-collection-stopped.capture.json).
    // setHeader, not res.set: express would append a charset.
    res.setHeader('Content-Type', 'application/json');
    res
      .status(fail.status)
      .set('x-tfs-serviceerror', encodeURIComponent(message))
      .send(Buffer.from(`\ufeff${body}`, 'utf8'));
    return true;
  }

  private injectThrottle(res: Response): boolean {
    const t = this.knobs.throttle;
    if (!t) return false;
    this.throttleSeen += 1;
    if (this.throttleSeen <= t.afterRequests) return false;
    if (t.count !== undefined && this.throttled >= t.count) return false;
    this.throttled += 1;
    const reset = Math.ceil(Date.now() / 1000) + t.retryAfterSeconds;
    const message =
      "TF400733: The request has been canceled: Request was blocked due to exceeding usage of resource 'ATCPU' in namespace 'User'. For more information on why your request was blocked, see the topic \"Rate limits\" on the Microsoft Web site (https://go.microsoft.com/fwlink/?LinkId=823950).";
    res
      .status(429)
      .set({
        'Retry-After': String(t.retryAfterSeconds),
        'X-RateLimit-Resource': 'ATCPU',
        'X-RateLimit-Delay': t.retryAfterSeconds.toFixed(3),
        'X-RateLimit-Limit': '200',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': String(reset),
        'x-tfs-serviceerror': encodeURIComponent(message),
      })
      .json(adoErrorBody('RequestBlockedException', message));
    return true;
  }
}
