import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AZURE_DEVOPS_SYNC_PLUGIN_ID,
  type ActivityItem,
  type ActivityPage,
  type ConnectOrganizationRequest,
  type CreateWorkItemConfig,
  type DeliveryList,
  type DeliveryStatus,
  type Issue,
  type IssueList,
  type IssueStatus,
  type IssueTrendList,
  type IssueUpdateRequest,
  type LinkWorkItemRequest,
  type Organization,
  type OrganizationConfig,
  type OrganizationConfigUpdate,
  type OrganizationList,
  type OutboundJobList,
  type OutboundJobStatus,
  type SdkKey,
  type SdkKeyList,
  type WorkItemSearchResult,
  type BoardsWorkItemList,
  type PeopleMappingList,
  type PeopleMappingUpdate,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type {
  AzureDevOpsSyncApi,
  ListWorkItemsOptions,
} from './AzureDevOpsSyncApi';

type Query = Record<string, string | undefined>;

/**
 * The default {@link AzureDevOpsSyncApi}: discovery for the base URL, the
 * fetch API for the user's token.
 *
 * @public
 */
export class AzureDevOpsSyncClient implements AzureDevOpsSyncApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  listOrganizations(): Promise<OrganizationList> {
    return this.request('GET', '/organizations');
  }

  connectOrganization(
    request: ConnectOrganizationRequest,
  ): Promise<Organization> {
    return this.request('POST', '/organizations', { body: request });
  }

  getOrganizationConfig(
    organizationId: string,
    options?: { refresh?: boolean },
  ): Promise<OrganizationConfig> {
    return this.request('GET', `/organizations/${enc(organizationId)}/config`, {
      query: { refresh: options?.refresh ? 'true' : undefined },
    });
  }

  updateOrganizationConfig(
    organizationId: string,
    update: OrganizationConfigUpdate,
  ): Promise<OrganizationConfig> {
    return this.request('PUT', `/organizations/${enc(organizationId)}/config`, {
      body: update,
    });
  }

  searchWorkItems(
    organizationId: string,
    query: string,
    options?: { limit?: number },
  ): Promise<WorkItemSearchResult> {
    return this.request(
      'GET',
      `/organizations/${enc(organizationId)}/work-items/search`,
      {
        query: {
          q: query,
          limit:
            options?.limit !== undefined ? String(options.limit) : undefined,
        },
      },
    );
  }

  getCreateConfig(
    organizationId: string,
    entityRef: string,
    options?: { project?: string },
  ): Promise<CreateWorkItemConfig> {
    return this.request(
      'GET',
      `/organizations/${enc(organizationId)}/create-config`,
      { query: { entityRef, project: options?.project } },
    );
  }

  listIssues(options: {
    entityRef: string;
    status?: IssueStatus;
  }): Promise<IssueList> {
    return this.request('GET', '/issues', {
      query: { entityRef: options.entityRef, status: options.status },
    });
  }

  getIssueTrends(entityRef: string): Promise<IssueTrendList> {
    return this.request('GET', '/events/trends', { query: { entityRef } });
  }

  getIssue(issueId: string): Promise<Issue> {
    return this.request('GET', `/issues/${enc(issueId)}`);
  }

  getIssueActivity(
    issueId: string,
    options?: { limit?: number; cursor?: string },
  ): Promise<ActivityPage> {
    return this.request('GET', `/issues/${enc(issueId)}/activity`, {
      query: {
        limit: options?.limit !== undefined ? String(options.limit) : undefined,
        cursor: options?.cursor,
      },
    });
  }

  updateIssue(issueId: string, update: IssueUpdateRequest): Promise<Issue> {
    return this.request('PATCH', `/issues/${enc(issueId)}`, { body: update });
  }

  linkWorkItem(issueId: string, request: LinkWorkItemRequest): Promise<Issue> {
    return this.request('POST', `/issues/${enc(issueId)}/links`, {
      body: request,
    });
  }

  retryLink(
    issueId: string,
    organizationId: string,
    workItemId: number,
  ): Promise<Issue> {
    return this.request(
      'POST',
      `${linkPath(issueId, organizationId, workItemId)}/retry`,
    );
  }

  async unlinkWorkItem(
    issueId: string,
    organizationId: string,
    workItemId: number,
  ): Promise<void> {
    await this.request('DELETE', linkPath(issueId, organizationId, workItemId));
  }

  addComment(issueId: string, text: string): Promise<ActivityItem> {
    return this.request('POST', `/issues/${enc(issueId)}/comments`, {
      body: { text },
    });
  }

  listDeliveries(
    organizationId: string,
    status?: DeliveryStatus,
  ): Promise<DeliveryList> {
    return this.request(
      'GET',
      `/organizations/${enc(organizationId)}/deliveries`,
      { query: { status } },
    );
  }

  async replayDelivery(deliveryId: string): Promise<void> {
    await this.request('POST', `/deliveries/${enc(deliveryId)}/replay`);
  }

  listJobs(
    organizationId: string,
    status?: OutboundJobStatus,
  ): Promise<OutboundJobList> {
    return this.request('GET', `/organizations/${enc(organizationId)}/jobs`, {
      query: { status },
    });
  }

  async replayJob(jobId: string): Promise<void> {
    await this.request('POST', `/jobs/${enc(jobId)}/replay`);
  }

  listSdkKeys(entityRef: string): Promise<SdkKeyList> {
    return this.request('GET', '/sdk-keys', { query: { entityRef } });
  }

  createSdkKey(entityRef: string): Promise<SdkKey> {
    return this.request('POST', '/sdk-keys', { body: { entityRef } });
  }

  async revokeSdkKey(publicKey: string): Promise<void> {
    await this.request('DELETE', `/sdk-keys/${enc(publicKey)}`);
  }

  listWorkItems(options: ListWorkItemsOptions): Promise<BoardsWorkItemList> {
    return this.request('GET', '/work-items', {
      query: {
        entityRef: options.entityRef,
        state: options.state || undefined,
        type: options.type || undefined,
        assignedTo: options.assignedTo || undefined,
        q: options.q || undefined,
        top: options.top !== undefined ? String(options.top) : undefined,
        skip: options.skip ? String(options.skip) : undefined,
        refresh: options.refresh ? 'true' : undefined,
      },
    });
  }

  getPeople(organizationId: string): Promise<PeopleMappingList> {
    return this.request('GET', `/organizations/${enc(organizationId)}/people`);
  }

  updatePeople(
    organizationId: string,
    update: PeopleMappingUpdate,
  ): Promise<PeopleMappingList> {
    return this.request('PUT', `/organizations/${enc(organizationId)}/people`, {
      body: update,
    });
  }

  private async request<T>(
    method: string,
    path: string,
    options?: { query?: Query; body?: unknown },
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(
      AZURE_DEVOPS_SYNC_PLUGIN_ID,
    );
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(options?.query ?? {})) {
      if (value !== undefined) {
        params.set(key, value);
      }
    }
    const search = params.toString();
    const url = `${baseUrl}${path}${search ? `?${search}` : ''}`;

    const hasBody = options?.body !== undefined;
    const response = await this.fetchApi.fetch(url, {
      method,
      headers: hasBody ? { 'Content-Type': 'application/json' } : undefined,
      body: hasBody ? JSON.stringify(options!.body) : undefined,
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    // 202/204 answers (replay, comments) may have no body.
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

function enc(value: string): string {
  return encodeURIComponent(value);
}

function linkPath(
  issueId: string,
  organizationId: string,
  workItemId: number,
): string {
  return `/issues/${enc(issueId)}/links/${enc(organizationId)}/${workItemId}`;
}
