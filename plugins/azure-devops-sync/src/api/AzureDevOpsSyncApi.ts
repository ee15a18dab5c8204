import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ActivityItem,
  ActivityPage,
  ConnectOrganizationRequest,
  CreateWorkItemConfig,
  DeliveryList,
  DeliveryStatus,
  Issue,
  IssueList,
  IssueStatus,
  IssueTrendList,
  IssueUpdateRequest,
  LinkWorkItemRequest,
  Organization,
  OrganizationConfig,
  OrganizationConfigUpdate,
  OrganizationList,
  OutboundJobList,
  OutboundJobStatus,
  SdkKey,
  SdkKeyList,
  WorkItemSearchResult,
  BoardsWorkItemList,
  PeopleMappingList,
  PeopleMappingUpdate,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/**
 * Client for the `azure-devops-sync` backend (`/api/azure-devops-sync`).
 *
 * Every method rejects with a `ResponseError` (from `@backstage/errors`) when
 * the backend answers with a non-2xx status, so callers can show the server's
 * message and status code.
 *
 * @public
 */
export interface AzureDevOpsSyncApi {
  /** `GET /organizations` */
  listOrganizations(): Promise<OrganizationList>;
  /** `POST /organizations` (admin only) */
  connectOrganization(
    request: ConnectOrganizationRequest,
  ): Promise<Organization>;
  /** `GET /organizations/:id/config`; `refresh` re-reads ADO projects and states. */
  getOrganizationConfig(
    organizationId: string,
    options?: { refresh?: boolean },
  ): Promise<OrganizationConfig>;
  /** `PUT /organizations/:id/config` */
  updateOrganizationConfig(
    organizationId: string,
    update: OrganizationConfigUpdate,
  ): Promise<OrganizationConfig>;
  /** `GET /organizations/:id/work-items/search?q=&limit=` */
  searchWorkItems(
    organizationId: string,
    query: string,
    options?: { limit?: number },
  ): Promise<WorkItemSearchResult>;
  /**
   * `GET /organizations/:id/create-config?entityRef=&project=`: choices for
   * creating a work item. The types come for one project: `project` (id or
   * name), else the default one.
   */
  getCreateConfig(
    organizationId: string,
    entityRef: string,
    options?: { project?: string },
  ): Promise<CreateWorkItemConfig>;
  /** `GET /issues?entityRef=&status=` */
  listIssues(options: {
    entityRef: string;
    status?: IssueStatus;
  }): Promise<IssueList>;
  /**
   * `GET /events/trends?entityRef=`: error events per hour (24) and per day
   * (14) of the entity's issues seen in the last 14 days, oldest first.
   */
  getIssueTrends(entityRef: string): Promise<IssueTrendList>;
  /** `GET /issues/:id` */
  getIssue(issueId: string): Promise<Issue>;
  /**
   * `GET /issues/:id/activity?limit=&cursor=`: one page, newest first; pass
   * `nextCursor` back as `cursor` for the next (older) page.
   */
  getIssueActivity(
    issueId: string,
    options?: { limit?: number; cursor?: string },
  ): Promise<ActivityPage>;
  /** `PATCH /issues/:id` */
  updateIssue(issueId: string, update: IssueUpdateRequest): Promise<Issue>;
  /** `POST /issues/:id/links`: links an existing work item or creates one; resolves with the issue. */
  linkWorkItem(issueId: string, request: LinkWorkItemRequest): Promise<Issue>;
  /**
   * `POST /issues/:id/links/:organizationId/:workItemId/retry`: re-queues the
   * link's failed or skipped change; resolves with the issue (202).
   */
  retryLink(
    issueId: string,
    organizationId: string,
    workItemId: number,
  ): Promise<Issue>;
  /**
   * `DELETE /issues/:id/links/:organizationId/:workItemId`: unlinks the work
   * item (nothing is deleted in Azure DevOps).
   */
  unlinkWorkItem(
    issueId: string,
    organizationId: string,
    workItemId: number,
  ): Promise<void>;
  /** `POST /issues/:id/comments`: resolves with the new activity item. */
  addComment(issueId: string, text: string): Promise<ActivityItem>;
  /** `GET /organizations/:id/deliveries?status=` (admin only) */
  listDeliveries(
    organizationId: string,
    status?: DeliveryStatus,
  ): Promise<DeliveryList>;
  /** `POST /deliveries/:id/replay` (admin only) */
  replayDelivery(deliveryId: string): Promise<void>;
  /** `GET /organizations/:id/jobs?status=`: the outbound job log (admin only) */
  listJobs(
    organizationId: string,
    status?: OutboundJobStatus,
  ): Promise<OutboundJobList>;
  /** `POST /jobs/:id/replay` (admin only) */
  replayJob(jobId: string): Promise<void>;
  /**
   * `GET /sdk-keys?entityRef=`: the entity's active Sentry SDK keys and their
   * DSNs, app-config keys first (needs `azure-devops-sync.sdk-key.create`).
   */
  listSdkKeys(entityRef: string): Promise<SdkKeyList>;
  /** `POST /sdk-keys`: a new key (and DSN) for the entity. */
  createSdkKey(entityRef: string): Promise<SdkKey>;
  /** `DELETE /sdk-keys/:publicKey`: an app-config key answers 409. */
  revokeSdkKey(publicKey: string): Promise<void>;
  /**
   * `GET /work-items?entityRef=&state=&type=&assignedTo=&q=&top=&skip=`: one
   * page of the entity's Azure Boards work items, newest change first;
   * `reason` says why an entity without the annotations has none.
   */
  listWorkItems(options: ListWorkItemsOptions): Promise<BoardsWorkItemList>;
  /** `GET /organizations/:id/people`: the ADO identity → catalog user mappings and suggestions. */
  getPeople(organizationId: string): Promise<PeopleMappingList>;
  /** `PUT /organizations/:id/people`: replaces the mappings (unknown catalog user → 400). */
  updatePeople(
    organizationId: string,
    update: PeopleMappingUpdate,
  ): Promise<PeopleMappingList>;
}

/**
 * The query of {@link AzureDevOpsSyncApi.listWorkItems}: the filters are
 * exact values (a state, a work item type, an assignee's e-mail or unique
 * name), `q` searches titles, `top` (at most 200) and `skip` page.
 *
 * @public
 */
export interface ListWorkItemsOptions {
  entityRef: string;
  state?: string;
  type?: string;
  assignedTo?: string;
  q?: string;
  top?: number;
  skip?: number;
  /** Ask Azure DevOps again rather than take the backend's cached page. */
  refresh?: boolean;
}

/** @public */
export const azureDevOpsSyncApiRef = createApiRef<AzureDevOpsSyncApi>({
  id: 'plugin.azure-devops-sync.service',
});
