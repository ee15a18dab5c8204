import type {
  ActivityItem,
  ActivitySource,
  ActivityType,
  Issue,
  IssueLink,
  IssueStatus,
} from '@internal/plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import type { OutboxJobInput } from './OutboxStore';

/** A link as stored, with what outbound sync needs to know. */
export interface StoredIssueLink extends IssueLink {
  issueId: string;
  projectId: string | null;
  projectName: string | null;
  workItemType: string | null;
  displayName: string | null;
  /** ADO assignee e-mail at the last applied revision: '' unassigned, null unknown. */
  assignedTo: string | null;
}

/** A change to an issue's status and/or assignee. `undefined` = leave as is. */
export interface IssueChange {
  status?: IssueStatus;
  assignee?: string | null;
}

/** What {@link IssueStore.applyChange} did. */
export interface AppliedIssueChange {
  issue: Issue;
  statusChanged: boolean;
  assigneeChanged: boolean;
}

export interface ApplyChangeOptions {
  source: ActivitySource;
  /**
   * Outbox jobs to queue in the same transaction, given the links and what changed. Inbound
   * changes pass nothing: they must not be sent back to ADO.
   */
  outbound?: (
    links: StoredIssueLink[],
    change: { statusChanged: boolean; assigneeChanged: boolean; issue: Issue },
  ) => OutboxJobInput[];
  /** Write a `regression` activity instead of `set_unresolved`. */
  regression?: boolean;
}

/** Issues, their work item links and their activity. */
export interface IssueStore {
  list(filter: { entityRef: string; status?: IssueStatus }): Promise<Issue[]>;
  get(id: string): Promise<Issue | undefined>;
  listActivity(issueId: string): Promise<ActivityItem[]>;

  /** Applies a change (no-op parts write nothing), its activities and outbox jobs atomically. */
  applyChange(
    issueId: string,
    change: IssueChange,
    options: ApplyChangeOptions,
    tx?: Knex.Transaction,
  ): Promise<AppliedIssueChange>;

  addLink(
    link: Omit<StoredIssueLink, 'broken' | 'assignedTo'> & {
      assignedTo?: string | null;
    },
    source: ActivitySource,
  ): Promise<{ created: boolean }>;
  /** Links to one work item, across issues. */
  linksForWorkItem(
    organizationId: string,
    workItemId: number,
  ): Promise<StoredIssueLink[]>;
  linksOfIssue(issueId: string): Promise<StoredIssueLink[]>;
  /** Ids of the work items of an organization that some issue links to (not broken). */
  linkedWorkItemIds(organizationId: string): Promise<number[]>;
  updateLinks(
    organizationId: string,
    workItemId: number,
    patch: {
      title?: string;
      state?: string;
      assignedTo?: string;
      broken?: boolean;
    },
  ): Promise<void>;

  /** Records a comment and queues its outbox jobs atomically. */
  addComment(
    issueId: string,
    text: string,
    source: ActivitySource,
    outbound?: (links: StoredIssueLink[]) => OutboxJobInput[],
  ): Promise<ActivityItem>;

  addActivity(
    issueId: string,
    type: ActivityType,
    source: ActivitySource,
    data: Record<string, unknown>,
    tx?: Knex.Transaction,
  ): Promise<ActivityItem>;
}
