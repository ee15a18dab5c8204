import {
  AdoApiError,
  AdoInvalidIdentityError,
  AdoTimeoutError,
} from './errors';
import { RequestGate } from './RequestGate';
import type {
  AdoConnectionData,
  AdoGraphUser,
  AdoJsonPatchOp,
  AdoList,
  AdoProcess,
  AdoProcessWorkItemType,
  AdoProfile,
  AdoProject,
  AdoSubscription,
  AdoSubscriptionCreate,
  AdoWiqlResult,
  AdoWorkItem,
  AdoWorkItemStateColor,
  AdoWorkItemTypeCategory,
} from './types';
import { vsspsBaseUrl, withTrailingSlash } from './urls';

const API_VERSION = '7.1';
const PROJECT_PAGE_SIZE = 100;
/** The reference's guard against a server that never returns a short page. */
const MAX_PROJECT_PAGES = 100;
const MAX_USER_PAGES = 1000;
const BATCH_GET_MAX_IDS = 200;

/** Types tried in order when a project's states are read without the process API. */
export const STATE_FALLBACK_TYPES = ['Bug', 'Issue', 'Task'] as const;

/** Resource area id of the account lookup (`get_base_url` in the reference). */
export const ACCOUNT_LOOKUP_RESOURCE_AREA =
  '79134C72-4A58-4B42-976C-04E7115F32BF';

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

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  contentType?: string;
  /** `null` leaves api-version off (the account lookup uses its own `api-preview` key). */
  apiVersion?: string | null;
  /** Status codes returned as a value instead of thrown. */
  allowStatus?: number[];
}

interface RawResponse<T> {
  status: number;
  body: T;
  headers: Headers;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/**
 * Azure DevOps REST client for one organization (api-version 7.1). Plain fetch, no Backstage
 * imports: credentials come in as a function, so it works the same against dev.azure.com,
 * ADO Server and the emulator.
 */
export class AdoClient {
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

  // ---- projects and processes -------------------------------------------------------------

  /** Every well-formed project, all pages (`$top`/`$skip` until a short page). */
  async getProjects(): Promise<AdoProject[]> {
    const projects: AdoProject[] = [];
    for (let page = 0; page < MAX_PROJECT_PAGES; page++) {
      const { body } = await this.request<AdoList<AdoProject>>(
        'GET',
        '_apis/projects',
        {
          query: {
            stateFilter: 'WellFormed',
            $top: PROJECT_PAGE_SIZE,
            $skip: page * PROJECT_PAGE_SIZE,
          },
        },
      );
      const value = body.value ?? [];
      projects.push(...value);
      if (value.length < PROJECT_PAGE_SIZE) break;
    }
    return projects;
  }

  async getProject(idOrName: string): Promise<AdoProject> {
    const { body } = await this.request<AdoProject>(
      'GET',
      `_apis/projects/${encodeURIComponent(idOrName)}`,
    );
    return body;
  }

  /** Processes with the ids of the projects that use them (one call for the whole org). */
  async getProcessesWithProjects(): Promise<AdoProcess[]> {
    const { body } = await this.request<AdoList<AdoProcess>>(
      'GET',
      '_apis/work/processes',
      { query: { $expand: 'projects' } },
    );
    return body.value ?? [];
  }

  /** A process's work item types with their states. */
  async getProcessWorkItemTypes(
    processId: string,
  ): Promise<AdoProcessWorkItemType[]> {
    const { body } = await this.request<AdoList<AdoProcessWorkItemType>>(
      'GET',
      `_apis/work/processes/${encodeURIComponent(processId)}/workitemtypes`,
      { query: { $expand: 'states' } },
    );
    return body.value ?? [];
  }

  /** States of one work item type in a project (`{project}/_apis/wit/workitemtypes/{type}/states`). */
  async getWorkItemTypeStates(
    project: string,
    type: string,
  ): Promise<AdoList<AdoWorkItemStateColor>> {
    const { body } = await this.request<AdoList<AdoWorkItemStateColor>>(
      'GET',
      `${encodeURIComponent(
        project,
      )}/_apis/wit/workitemtypes/${encodeURIComponent(type)}/states`,
    );
    return {
      count: body.count ?? body.value?.length ?? 0,
      value: body.value ?? [],
    };
  }

  /**
   * The reference's `get_work_item_states`: Bug, then Issue, then Task; the first type with states
   * wins. A type the project's process lacks answers 404, which counts as "no states".
   */
  async getWorkItemStates(
    project: string,
  ): Promise<{ type: string | null; states: AdoWorkItemStateColor[] }> {
    let lastError: unknown;
    for (const type of STATE_FALLBACK_TYPES) {
      try {
        const result = await this.getWorkItemTypeStates(project, type);
        if (result.count > 0) return { type, states: result.value };
      } catch (error) {
        if (!(error instanceof AdoApiError && error.status === 404))
          throw error;
        lastError = error;
      }
    }
    if (lastError) throw lastError;
    return { type: null, states: [] };
  }

  async getWorkItemTypeCategories(
    project: string,
  ): Promise<AdoWorkItemTypeCategory[]> {
    const { body } = await this.request<AdoList<AdoWorkItemTypeCategory>>(
      'GET',
      `${encodeURIComponent(project)}/_apis/wit/workitemtypecategories`,
    );
    return body.value ?? [];
  }

  // ---- work items -----------------------------------------------------------------------

  async getWorkItem(id: number): Promise<AdoWorkItem> {
    const { body } = await this.request<AdoWorkItem>(
      'GET',
      `_apis/wit/workitems/${id}`,
    );
    return body;
  }

  /** Several work items in as few calls as ADO allows (200 ids a call); missing ids are left out. */
  async getWorkItems(ids: number[], fields?: string[]): Promise<AdoWorkItem[]> {
    const items: AdoWorkItem[] = [];
    for (let i = 0; i < ids.length; i += BATCH_GET_MAX_IDS) {
      const chunk = ids.slice(i, i + BATCH_GET_MAX_IDS);
      const { body } = await this.request<AdoList<AdoWorkItem>>(
        'GET',
        '_apis/wit/workitems',
        {
          query: {
            ids: chunk.join(','),
            fields: fields?.join(','),
            errorPolicy: 'omit',
          },
        },
      );
      items.push(...(body.value ?? []).filter(Boolean));
    }
    return items;
  }

  /** Creates a work item: `PATCH {project}/_apis/wit/workitems/${type}` with json-patch `add` ops. */
  async createWorkItem(
    project: string,
    type: string,
    ops: AdoJsonPatchOp[],
  ): Promise<AdoWorkItem> {
    const { body } = await this.request<AdoWorkItem>(
      'PATCH',
      `${encodeURIComponent(project)}/_apis/wit/workitems/$${encodeURIComponent(
        type,
      )}`,
      { body: ops, contentType: 'application/json-patch+json' },
    );
    return body;
  }

  async updateWorkItem(
    id: number,
    ops: AdoJsonPatchOp[],
  ): Promise<AdoWorkItem> {
    const { body } = await this.request<AdoWorkItem>(
      'PATCH',
      `_apis/wit/workitems/${id}`,
      { body: ops, contentType: 'application/json-patch+json' },
    );
    return body;
  }

  async queryWiql(
    query: string,
    options: { project?: string; top?: number } = {},
  ): Promise<AdoWiqlResult> {
    const path = options.project
      ? `${encodeURIComponent(options.project)}/_apis/wit/wiql`
      : '_apis/wit/wiql';
    const { body } = await this.request<AdoWiqlResult>('POST', path, {
      query: { $top: options.top },
      body: { query },
    });
    return { ...body, workItems: body.workItems ?? [] };
  }

  // ---- users (vssps host) ----------------------------------------------------------------

  /** Every graph user, following `X-MS-ContinuationToken` until ADO stops sending one. */
  async *iterateUsers(): AsyncGenerator<AdoGraphUser[]> {
    const url = `${vsspsBaseUrl(this.baseUrl)}_apis/graph/users`;
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_USER_PAGES; page++) {
      const { body, headers } = await this.request<AdoList<AdoGraphUser>>(
        'GET',
        url,
        {
          query: { continuationToken },
          apiVersion: `${API_VERSION}-preview.1`,
        },
      );
      yield body.value ?? [];
      const next = headers.get('x-ms-continuationtoken');
      if (!next) return;
      continuationToken = next;
    }
  }

  /** The graph user whose mail address matches (case-insensitive); stops paging at the match. */
  async findUserByEmail(email: string): Promise<AdoGraphUser | undefined> {
    const wanted = email.trim().toLowerCase();
    for await (const page of this.iterateUsers()) {
      const hit = page.find(
        u =>
          (u.mailAddress ?? '').toLowerCase() === wanted ||
          (u.principalName ?? '').toLowerCase() === wanted,
      );
      if (hit) return hit;
    }
    return undefined;
  }

  // ---- service hooks ---------------------------------------------------------------------

  async listSubscriptions(): Promise<AdoSubscription[]> {
    const { body } = await this.request<AdoList<AdoSubscription>>(
      'GET',
      '_apis/hooks/subscriptions',
    );
    return body.value ?? [];
  }

  async createSubscription(
    subscription: AdoSubscriptionCreate,
  ): Promise<AdoSubscription> {
    const { body } = await this.request<AdoSubscription>(
      'POST',
      '_apis/hooks/subscriptions',
      { body: subscription },
    );
    return body;
  }

  /** The subscription, or undefined when ADO no longer has it. */
  async getSubscription(id: string): Promise<AdoSubscription | undefined> {
    const { status, body } = await this.request<AdoSubscription>(
      'GET',
      `_apis/hooks/subscriptions/${encodeURIComponent(id)}`,
      { allowStatus: [404] },
    );
    return status === 404 ? undefined : body;
  }

  async deleteSubscription(id: string): Promise<void> {
    await this.request<unknown>(
      'DELETE',
      `_apis/hooks/subscriptions/${encodeURIComponent(id)}`,
      { allowStatus: [404] },
    );
  }

  // ---- identity and accounts -------------------------------------------------------------

  /** Who the credential is and which organization (instanceId) this URL belongs to. */
  async getConnectionData(): Promise<AdoConnectionData> {
    const { body } = await this.request<AdoConnectionData>(
      'GET',
      '_apis/connectionData',
      { apiVersion: `${API_VERSION}-preview.1` },
    );
    return body;
  }

  async getProfile(accountLookupBaseUrl: string): Promise<AdoProfile> {
    const { body } = await this.request<AdoProfile>(
      'GET',
      `${withTrailingSlash(accountLookupBaseUrl)}_apis/profile/profiles/me`,
      { apiVersion: `${API_VERSION}-preview.3` },
    );
    return body;
  }

  /**
   * The reference's `get_base_url`: the account's `locationUrl` from the resource-area lookup.
   * Never throws for an HTTP status: a non-200 comes back as `{status}` for the caller to log.
   */
  async getAccountBaseUrl(
    accountLookupBaseUrl: string,
    accountId: string,
  ): Promise<{ status: number; locationUrl?: string }> {
    try {
      const { status, body } = await this.request<{ locationUrl?: string }>(
        'GET',
        `${withTrailingSlash(
          accountLookupBaseUrl,
        )}_apis/resourceareas/${ACCOUNT_LOOKUP_RESOURCE_AREA}`,
        {
          query: { hostId: accountId, 'api-preview': '5.0-preview.1' },
          apiVersion: null,
          allowStatus: [400, 403, 404],
        },
      );
      if (status !== 200 || typeof body?.locationUrl !== 'string') {
        return { status };
      }
      return { status, locationUrl: body.locationUrl };
    } catch (error) {
      if (error instanceof AdoApiError) return { status: error.status };
      throw error;
    }
  }

  // ---- transport -------------------------------------------------------------------------

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

  private async request<T>(
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
