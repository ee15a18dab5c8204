import type { BooleanConfigFieldName } from './constants';

// ---------------------------------------------------------------------------
// Organizations

/** Service hook subscription status, as ADO reports it, plus our own `missing`. @public */
export type SubscriptionStatus =
  | 'enabled'
  | 'onProbation'
  | 'disabledByUser'
  | 'disabledBySystem'
  | 'disabledByInactiveIdentity'
  | 'missing'
  | 'unknown';

/** A connected ADO organization, as every route returns it (never with secrets). @public */
export interface Organization {
  id: string;
  /** ADO organization (account) name, e.g. `fabrikam`. */
  name: string;
  /** ADO account id (the `collection.id` in service hook deliveries). */
  externalId: string;
  /** Base URL ending in `/`, e.g. `https://dev.azure.com/fabrikam/`. */
  domainName: string;
  status: 'active' | 'error';
  /** Why the organization is in `error`, when it is. */
  statusReason?: string | null;
  subscription: {
    id: string | null;
    status: SubscriptionStatus;
    lastCheckedAt: string | null;
  };
  lastDeliveryAt: string | null;
  createdAt: string;
}

/** `GET /organizations`. @public */
export interface OrganizationList {
  items: Organization[];
}

/** `POST /organizations` body: an org name (`fabrikam`) or URL. @public */
export interface ConnectOrganizationRequest {
  name: string;
}

// ---------------------------------------------------------------------------
// Organization config

/** One option of a select. @public */
export interface Choice {
  value: string;
  label: string;
}

/** An ADO work item state. @public */
export interface WorkItemState {
  name: string;
  category: string;
  color?: string;
}

/** Fields every config field carries. @public */
export interface ConfigFieldBase {
  name: string;
  label: string;
  help: string;
  disabled?: boolean;
  disabledReason?: string;
  /** True when the caller may see but not change the field. */
  readOnly?: boolean;
}

/** A state selector of the mapper, with the choices for each project. @public */
export interface MappedSelector {
  placeholder: string;
  /** Every state name of every project, sorted (the reference's single shared list). */
  choices: Array<[string, string]>;
  /** The state names offered for each ADO project id. */
  choicesByProject: Record<string, Array<[string, string]>>;
}

/** The `sync_status_forward` field: per ADO project, the state to set on resolve and unresolve. @public */
export interface ChoiceMapperField extends ConfigFieldBase {
  name: 'sync_status_forward';
  type: 'choice_mapper';
  addButtonText: string;
  addDropdown: {
    emptyMessage: string;
    noResultsMessage: string;
    items: Choice[];
  };
  mappedSelectors: {
    on_resolve: MappedSelector;
    on_unresolve: MappedSelector;
  };
  columnLabels: {
    on_resolve: string;
    on_unresolve: string;
    inbound_done: string;
  };
  mappedColumnLabel: string;
  formatMessageValue: false;
  /** Per project: its states and the ones that count as done when nothing is chosen. */
  projectStates: Record<
    string,
    { states: WorkItemState[]; defaultDoneStates: string[] }
  >;
}

/** One of the four on/off sync switches. @public */
export interface BooleanConfigField extends ConfigFieldBase {
  name: BooleanConfigFieldName;
  type: 'boolean';
}

/** @public */
export type ConfigField = ChoiceMapperField | BooleanConfigField;

/** A mapping row of `sync_status_forward`. @public */
export interface StatusMappingRow {
  on_resolve: string;
  on_unresolve: string;
}

/** The stored settings of one organization. @public */
export interface OrganizationConfigValues {
  /** ADO project id → states. */
  sync_status_forward: Record<string, StatusMappingRow>;
  sync_forward_assignment: boolean;
  sync_comments: boolean;
  sync_status_reverse: boolean;
  sync_reverse_assignment: boolean;
  /** ADO project id → state names counted as done for inbound sync; absent = by category. */
  inbound_done_states: Record<string, string[]>;
}

/** `GET /organizations/:id/config`. @public */
export interface OrganizationConfig {
  organizationId: string;
  fields: ConfigField[];
  values: OrganizationConfigValues;
  /** Whether the caller holds the update permission. */
  canUpdate: boolean;
}

/** `PUT /organizations/:id/config` body: any subset of the values. @public */
export type OrganizationConfigUpdate = Partial<OrganizationConfigValues>;

// ---------------------------------------------------------------------------
// Work items

/** A search hit from `GET /organizations/:id/work-items/search`. @public */
export interface WorkItemSummary {
  id: number;
  title: string;
  state: string;
  url: string;
  workItemType?: string;
}

/** @public */
export interface WorkItemSearchResult {
  items: WorkItemSummary[];
}

// ---------------------------------------------------------------------------
// Issues

/** @public */
export type IssueStatus = 'unresolved' | 'resolved' | 'ignored';

/** @public */
export type IssueLevel = 'fatal' | 'error' | 'warning' | 'info' | 'debug';

/** Where the last outbound change of a link stands. @public */
export type LinkSyncStatus = 'synced' | 'pending' | 'failed' | 'skipped';

/**
 * The state of the last portal change (status, assignee or comment) sent to one linked work
 * item. `synced`: ADO accepted it, or nothing needed sending (also a link with no change yet);
 * `pending`: queued, running or waiting to retry; `failed`: gave up; `skipped`: a rule kept it
 * from ADO (no status mapping, sync switched off). `POST
 * /issues/:id/links/:organizationId/:workItemId/retry` re-queues a `failed` or `skipped` change
 * and answers 202 with the whole {@link Issue}. @public
 */
export interface LinkSyncState {
  status: LinkSyncStatus;
  /**
   * `pending`: the last error and the next try, when it has failed before
   * ("HTTP 500 from Azure DevOps; next try at 2026-12-03T12:00:05.000Z"); `failed`: the last
   * error; `skipped`: the rule that skipped it. Absent for `synced`.
   */
  reason?: string;
  /** When the state last changed (the link's creation time when nothing was sent yet). */
  updatedAt: string;
}

/** A work item linked to an issue. @public */
export interface IssueLink {
  organizationId: string;
  workItemId: number;
  url: string;
  title: string;
  state: string;
  broken?: boolean;
  sync: LinkSyncState;
}

/** An issue (a group of error events) of a catalog entity. @public */
export interface Issue {
  id: string;
  shortId: string;
  entityRef: string;
  title: string;
  culprit: string;
  level: IssueLevel;
  status: IssueStatus;
  assignee: string | null;
  timesSeen: number;
  firstSeen: string;
  lastSeen: string;
  links: IssueLink[];
}

/** @public */
export interface IssueList {
  items: Issue[];
}

/** Who changed an issue. @public */
export type ActivitySource =
  | { kind: 'user'; userEntityRef: string }
  | {
      kind: 'azure-devops';
      organizationId: string;
      workItemId: number;
      revision: number;
      /**
       * Who made the revision in Azure DevOps: their display name there, and the catalog user
       * with their e-mail when there is one. Absent on activity recorded before it was kept.
       */
      actor?: { displayName?: string; userEntityRef?: string };
    }
  | { kind: 'system' };

/** @public */
export type ActivityType =
  | 'assigned'
  | 'unassigned'
  | 'set_resolved'
  | 'set_unresolved'
  | 'regression'
  | 'linked'
  | 'unlinked'
  | 'comment';

/** @public */
export interface ActivityItem {
  id: string;
  type: ActivityType;
  createdAt: string;
  source: ActivitySource;
  data: Record<string, unknown>;
}

/** @public */
export interface ActivityList {
  items: ActivityItem[];
}

/**
 * `GET /issues/:id/activity?limit=&cursor=`: one page, newest first. Pass `nextCursor` back as
 * `cursor` for the next (older) page; `null` when this is the last page. @public
 */
export interface ActivityPage extends ActivityList {
  nextCursor: string | null;
}

/** `PATCH /issues/:id`. @public */
export interface IssueUpdateRequest {
  status?: IssueStatus;
  assignee?: string | null;
}

/** `POST /issues/:id/links`. @public */
export type LinkWorkItemRequest =
  | { organizationId: string; workItemId: number }
  | {
      organizationId: string;
      create: {
        project: string;
        workItemType: string;
        title?: string;
        description?: string;
        areaPath?: string;
        tags?: string[];
      };
    };

// ---------------------------------------------------------------------------
// Deliveries

/** @public */
export type DeliveryStatus = 'pending' | 'applied' | 'skipped' | 'failed';

/** A service hook delivery as the inbox recorded it. @public */
export interface Delivery {
  id: string;
  organizationId: string;
  eventType: string;
  workItemId: number | null;
  revision: number | null;
  status: DeliveryStatus;
  attempts: number;
  lastError: string | null;
  /** What applying it did, or why it changed nothing. */
  outcome?: string | null;
  receivedAt: string;
  processedAt: string | null;
}

/** @public */
export interface DeliveryList {
  items: Delivery[];
}

// ---------------------------------------------------------------------------
// Creating work items

/** `GET /organizations/:id/create-config?entityRef=`: the choices of the create form. @public */
export interface CreateWorkItemConfig {
  /** ADO projects: `value` is the project id. */
  projects: Choice[];
  /** Per project id, the work item types (`value` is the type name). */
  workItemTypes: Record<string, Choice[]>;
  defaults: { project?: string; workItemType?: string };
}

// ---------------------------------------------------------------------------
// Outbound jobs

/** @public */
export type OutboundJobStatus =
  | 'pending'
  | 'running'
  | 'done'
  | 'skipped'
  | 'failed';

/** What an outbound job does to one work item. @public */
export type OutboundJobPayload =
  | { kind: 'status'; status: 'resolved' | 'unresolved' }
  | { kind: 'assignee'; userEntityRef: string | null }
  | { kind: 'comment'; text: string; authorName: string };

/** A change queued for ADO, as `GET /organizations/:id/jobs` lists it. @public */
export interface OutboundJob {
  id: string;
  organizationId: string;
  workItemId: number;
  issueId: string | null;
  payload: OutboundJobPayload;
  status: OutboundJobStatus;
  attempts: number;
  lastError: string | null;
  /** What running it did, or why it changed nothing. */
  outcome: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** @public */
export interface OutboundJobList {
  items: OutboundJob[];
}
