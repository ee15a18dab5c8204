import {
  AdoApiError,
  AdoInvalidIdentityError,
  AdoTimeoutError,
} from './errors';
import { RequestGate } from './RequestGate';
import { withTrailingSlash } from './urls';

export const API_VERSION = '7.1';

/** A retry the client is about to make, for the caller's log. */
export interface AdoRetryInfo {
  method: string;
  url: string;
  attempt: number;
  delayMs: number;
  reason: string;
}

export interface AdoClientOptions {
  /** The organization's base URL (its stored domain name). */
  baseUrl: string;
  /** Returns the `Authorization` header value; throws {@link AdoInvalidIdentityError} when none can be had. */
  getAuthorization: () => Promise<string>;
  fetch?: typeof fetch;
  /** Per request, in ms. */
  timeoutMs?: number;
  /** Tries per request, including the first. */
  maxAttempts?: number;
  /** First backoff step, doubled per retry, when ADO says nothing about when to come back. */
  baseDelayMs?: number;
  /** Upper bound of any single wait. */
  maxDelayMs?: number;
  /** Shared per organization so a Retry-After seen by one call holds back the others. */
  gate?: RequestGate;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (info: AdoRetryInfo) => void;
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  contentType?: string;
  /** `null` leaves api-version off (the account lookup uses its own `api-preview` key). */
  apiVersion?: string | null;
  /** Status codes returned as a value instead of thrown. */
  allowStatus?: number[];
}

export interface RawResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/**
 * The HTTP side of {@link AdoClient}: authorization, api-version, timeouts, and retries with
 * backoff that honour ADO's Retry-After and rate-limit headers through the organization's gate.
 */
export class AdoTransport {
  readonly baseUrl: string;
  private readonly fetchImpl: typeof fetch;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly gate: RequestGate;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: AdoClientOptions) {
    this.baseUrl = withTrailingSlash(options.baseUrl);
    this.fetchImpl = options.fetch ?? ((...args) => fetch(...args));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5);
    this.baseDelayMs = options.baseDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.sleep =
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)));
    this.gate = options.gate ?? new RequestGate();
  }

  private buildUrl(path: string, options: RequestOptions): string {
    const url = new URL(
      /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`,
    );
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    if (options.apiVersion !== null) {
      url.searchParams.set('api-version', options.apiVersion ?? API_VERSION);
    }
    return url.toString();
  }

  async request<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<RawResponse<T>> {
    const url = this.buildUrl(path, options);
    const authorization = await this.options.getAuthorization();
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: authorization,
      // Without it ADO answers a bad credential with a 203 HTML sign-in page instead of 401.
      'X-TFS-FedAuthRedirect': 'Suppress',
    };
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = options.contentType ?? 'application/json';
      payload = JSON.stringify(options.body);
    }

    for (let attempt = 1; ; attempt++) {
      await this.gate.wait(this.sleep);
      let response: Response;
      try {
        response = await this.fetchWithTimeout(url, {
          method,
          headers,
          body: payload,
        });
      } catch (error) {
        // A write that timed out may have been applied, so only idempotent calls go again.
        const retryable = IDEMPOTENT.has(method) && attempt < this.maxAttempts;
        if (!retryable) throw error;
        await this.backoff(
          method,
          url,
          attempt,
          this.expDelay(attempt),
          String(error),
        );
        continue;
      }

      this.gate.observe(response.headers, response.status);
      const status = response.status;

      if (status === 401 || (status === 203 && isHtml(response))) {
        await response.body?.cancel();
        throw new AdoInvalidIdentityError(
          `Azure DevOps refused the credential for ${this.baseUrl} (HTTP ${status}); check the integrations.azure credentials for this organization`,
        );
      }

      const hinted = this.gate.retryDelayMs(response.headers);
      const retryable =
        (status === 429 || status >= 500) &&
        attempt < this.maxAttempts &&
        // A wait longer than we hold a request open goes back to the caller's queue instead.
        (hinted === undefined || hinted <= this.maxDelayMs);
      if (retryable) {
        const text = await response.text();
        const delay = hinted ?? this.expDelay(attempt);
        await this.backoff(
          method,
          url,
          attempt,
          delay,
          `HTTP ${status}: ${errorMessage(text, status)}`,
        );
        continue;
      }

      const text = await response.text();
      const body = parseBody(text);
      if (status >= 400 && !options.allowStatus?.includes(status)) {
        // Out of tries, but ADO's wait still applies to every other call to this organization.
        if (hinted !== undefined && hinted > 0) this.gate.holdFor(hinted);
        throw new AdoApiError(errorMessage(text, status), status, {
          typeKey: (body as any)?.typeKey,
          url: redactUrl(url),
          body,
          retryAfterMs: hinted,
        });
      }
      return { status, body: (body ?? {}) as T, headers: response.headers };
    }
  }

  private async fetchWithTimeout(
    url: string,
    init: RequestInit,
  ): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      return await this.fetchImpl(url, { ...init, signal: controller.signal });
    } catch (error) {
      if (controller.signal.aborted) {
        throw new AdoTimeoutError(
          `Azure DevOps did not answer ${init.method} ${redactUrl(
            url,
          )} within ${this.timeoutMs} ms`,
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  private expDelay(attempt: number): number {
    const exp = this.baseDelayMs * 2 ** (attempt - 1);
    // Full jitter keeps replicas that failed together from retrying together.
    return Math.min(this.maxDelayMs, exp / 2 + Math.random() * (exp / 2));
  }

  private async backoff(
    method: string,
    url: string,
    attempt: number,
    delayMs: number,
    reason: string,
  ): Promise<void> {
    const bounded = Math.min(this.maxDelayMs, Math.max(0, delayMs));
    this.options.onRetry?.({
      method,
      url: redactUrl(url),
      attempt,
      delayMs: bounded,
      reason,
    });
    this.gate.holdFor(bounded);
    await this.gate.wait(this.sleep);
  }
}

function isHtml(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('text/html');
}

/** ADO bodies may be JSON (sometimes BOM-prefixed), plain text, or empty. */
function parseBody(text: string): unknown {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (!trimmed) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return trimmed;
  }
}

function errorMessage(text: string, status: number): string {
  const body = parseBody(text);
  if (
    body &&
    typeof body === 'object' &&
    typeof (body as any).message === 'string'
  ) {
    return (body as any).message;
  }
  if (typeof body === 'string' && body.length > 0) return body.slice(0, 500);
  return `HTTP ${status}`;
}

/** Drops query values that could carry tokens before a URL goes into an error or a log. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('continuationToken');
  return parsed.toString();
}
