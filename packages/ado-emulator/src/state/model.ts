import { SeedProcess, SeedState, SeedWorkItemType } from '../types';

/** A person or service account; identity fields of work items hold its e-mail. */
export interface Identity {
  id: string;
  displayName: string;
  email: string;
  descriptor: string;
  kind: 'user' | 'service';
  orgs: Set<string>;
}

export interface Team {
  id: string;
  name: string;
}

export interface Project {
  id: string;
  name: string;
  description?: string;
  processTypeId: string;
  visibility: string;
  revision: number;
  lastUpdateTime: string;
  teams: Team[];
}

export interface Comment {
  id: number;
  version: number;
  text: string;
  createdBy: string;
  createdDate: string;
  modifiedBy: string;
  modifiedDate: string;
}

/** Field values as stored: identity fields hold the e-mail of a known identity. */
export type Fields = Record<string, unknown>;

export interface WorkItem {
  id: number;
  projectId: string;
  rev: number;
  /** Number of updates, the create being update 1 (workitem.updated's `resource.id`). */
  updateCount: number;
  watermark: number;
  fields: Fields;
  comments: Comment[];
  relations: unknown[];
  deleted: boolean;
}

export type SubscriptionStatus =
  | 'enabled'
  | 'onProbation'
  | 'disabledByUser'
  | 'disabledBySystem'
  | 'disabledByInactiveIdentity';

export interface Subscription {
  id: string;
  org: string;
  publisherId: string;
  eventType: string;
  resourceVersion: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
  status: SubscriptionStatus;
  probationRetries: number;
  lastProbationRetryDate?: string;
  /** Deliveries that failed for good in a row. */
  consecutiveFailures: number;
  notificationCount: number;
  createdBy: string;
  createdDate: string;
  modifiedBy: string;
  modifiedDate: string;
  tfsSubscriptionId: string;
}

export interface Organization {
  name: string;
  accountId: string;
  processes: SeedProcess[];
  projects: Project[];
  workItems: Map<number, WorkItem>;
  nextWorkItemId: number;
  watermark: number;
  subscriptions: Map<string, Subscription>;
}

export const IDENTITY_FIELDS = new Set([
  'System.AssignedTo',
  'System.CreatedBy',
  'System.ChangedBy',
  'System.AuthorizedAs',
  'Microsoft.VSTS.Common.ActivatedBy',
  'Microsoft.VSTS.Common.ResolvedBy',
  'Microsoft.VSTS.Common.ClosedBy',
]);

export type { SeedProcess, SeedState, SeedWorkItemType };
