import {
  AdoClientOptions,
  AdoTransport,
  API_VERSION,
  RawResponse,
  RequestOptions,
} from './AdoTransport';
import { AdoApiError } from './errors';
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

export type { AdoClientOptions, AdoRetryInfo } from './AdoTransport';
import { vsspsBaseUrl, withTrailingSlash } from './urls';

const PROJECT_PAGE_SIZE = 500;
const ADO_DEFAULT_PAGE_SIZE = 100;
/** The reference's guard against a server that never returns a short page. */
const MAX_PROJECT_PAGES = 100;
const MAX_USER_PAGES = 1000;
const BATCH_GET_MAX_IDS = 200;

/** Types tried in order when a project's states are read without the process API. */
export const STATE_FALLBACK_TYPES = ['Bug', 'Issue', 'Task'] as const;

/** Resource area id of the account lookup (`get_base_url` in the reference). */
export const ACCOUNT_LOOKUP_RESOURCE_AREA =
  '79134C72-4A58-4B42-976C-04E7115F32BF';

/**
 * Azure DevOps REST client for one organization (api-version 7.1). Plain fetch, no Backstage
 * imports: credentials come in as a function, so it works the same against dev.azure.com,
 * ADO Server and the emulator.
 */
export class AdoClient {
  readonly baseUrl: string;
  private readonly transport: AdoTransport;

  constructor(options: AdoClientOptions) {
    this.transport = new AdoTransport(options);
    this.baseUrl = this.transport.baseUrl;
  }

  private request<T>(
    method: string,
    path: string,
    options?: RequestOptions,
  ): Promise<RawResponse<T>> {
    return this.transport.request<T>(method, path, options);
  }

  // ---- projects and processes -------------------------------------------------------------

  /**
   * Every well-formed project, all pages. A large `$top` makes it one call for most
   * organizations; ADO's `x-ms-continuationtoken` says where the next page starts. From a server
   * that sends none, a full page (or one of ADO's default 100, in case it caps `$top`) is
   * followed by another at `$skip`.
   */
  async getProjects(): Promise<AdoProject[]> {
    const projects: AdoProject[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < MAX_PROJECT_PAGES; page++) {
      const { body, headers } = await this.request<AdoList<AdoProject>>(
        'GET',
        '_apis/projects',
        {
          query: {
            stateFilter: 'WellFormed',
            $top: PROJECT_PAGE_SIZE,
            ...(continuationToken
              ? { continuationToken }
              : { $skip: projects.length }),
          },
        },
      );
      const value = body.value ?? [];
      projects.push(...value);
      const sentTokens = continuationToken !== undefined;
      continuationToken = headers.get('x-ms-continuationtoken') ?? undefined;
      if (continuationToken) continue;
      // A server that sent tokens has said this is the last page.
      const full =
        value.length === PROJECT_PAGE_SIZE ||
        value.length === ADO_DEFAULT_PAGE_SIZE;
      if (sentTokens || !full) break;
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
}
