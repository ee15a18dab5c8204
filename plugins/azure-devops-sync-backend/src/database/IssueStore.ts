import type {
  ActivityItem,
  ActivitySource,
  ActivityType,
  Issue,
  IssueLink,
  IssueStatus,
  LinkSyncState,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import type { LinkJobRecord } from './linkSyncState';

/** A link as stored, with what outbound sync needs to know (its sync state is read apart). */
export interface StoredIssueLink extends Omit<IssueLink, 'sync'> {
  issueId: string;
  projectId: string | null;
  projectName: string | null;
  workItemType: string | null;
  displayName: string | null;
  /** ADO assignee e-mail at the last applied revision: '' unassigned, null unknown. */
  assignedTo: string | null;
}

/** A link to create: the work item as read from ADO when it was linked. */
export type NewIssueLink = Omit<StoredIssueLink, 'broken' | 'assignedTo'> & {
  assignedTo?: string | null;
};

/** A change to an issue's status and/or assignee. `undefined` = leave as is. */
export interface IssueChange {
  status?: IssueStatus;
  assignee?: string | null;
}

/** One issue's link to one work item. */
export interface LinkKey {
  issueId: string;
  organizationId: string;
  workItemId: number;
}

/** A link with its sync state and the outbound job that state comes from (none: nothing sent). */
export interface LinkWithSync {
  link: StoredIssueLink;
  sync: LinkSyncState;
  job?: LinkJobRecord;
}

/** Where an activity page starts: after this item, newest first. */
export interface ActivityPosition {
  createdAt: string;
  id: string;
}

/** What the sync keeps on a link from the last applied ADO revision. */
export interface LinkSnapshot {
  title?: string;
  state?: string;
  assignedTo?: string;
  broken?: boolean;
}

/**
 * Issues, their work item links and their activity: persistence only. Every change to an
 * issue goes through `IssueService`, which decides what to write and queues outbound jobs.
 * Methods that take `tx` write inside the caller's transaction.
 */
export interface IssueStore {
  transaction<T>(fn: (tx: Knex.Transaction) => Promise<T>): Promise<T>;

  list(filter: { entityRef: string; status?: IssueStatus }): Promise<Issue[]>;
  get(id: string, tx?: Knex.Transaction): Promise<Issue | undefined>;
  /** Only the issue's entity: what a signal needs, without its links' sync state. */
  entityRefOf(id: string): Promise<string | undefined>;
  /** Status and assignee, locked until the transaction ends (PostgreSQL; SQLite serialises writers). */
  lockForChange(
    id: string,
    tx: Knex.Transaction,
  ): Promise<{ status: IssueStatus; assignee: string | null } | undefined>;
  update(id: string, change: IssueChange, tx: Knex.Transaction): Promise<void>;

  listActivity(issueId: string): Promise<ActivityItem[]>;
  /** Up to `limit` activity items, newest first, older than `after` when given. */
  listActivityPage(
    issueId: string,
    page: { limit: number; after?: ActivityPosition },
  ): Promise<ActivityItem[]>;
  /** An ADO revision's activity of one type is recorded once, however often it is applied. */
  addActivity(
    issueId: string,
    type: ActivityType,
    source: ActivitySource,
    data: Record<string, unknown>,
    tx?: Knex.Transaction,
  ): Promise<ActivityItem>;

  /** Inserts a link unless the issue already has it. */
  insertLink(
    link: NewIssueLink,
    tx: Knex.Transaction,
  ): Promise<{ created: boolean }>;
  /** One link with its sync state, or undefined when the issue has no such link. */
  getLink(
    key: LinkKey,
    tx?: Knex.Transaction,
  ): Promise<LinkWithSync | undefined>;
  /** Removes one link; false when there was none. */
  deleteLink(key: LinkKey, tx: Knex.Transaction): Promise<boolean>;
  /** Links to one work item, across issues. */
  linksForWorkItem(
    organizationId: string,
    workItemId: number,
  ): Promise<StoredIssueLink[]>;
  linksOfIssue(
    issueId: string,
    tx?: Knex.Transaction,
  ): Promise<StoredIssueLink[]>;
  /** The issues linked to each of these work items (broken links included), by work item id. */
  issueIdsByWorkItem(
    organizationId: string,
    workItemIds: number[],
    /** Only issues of this entity (canonical ref). */
    entityRef: string,
  ): Promise<Map<number, string[]>>;
  /** Ids of the work items of an organization that some issue links to (not broken). */
  linkedWorkItemIds(organizationId: string): Promise<number[]>;
  updateLinks(
    organizationId: string,
    workItemId: number,
    patch: LinkSnapshot,
    tx?: Knex.Transaction,
  ): Promise<void>;
}
