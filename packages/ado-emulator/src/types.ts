/**
 * Seed format: the JSON an emulator starts from. Everything is plain data so a
 * seed can live in a file (seed/demo.json) or be generated (generateSeed).
 */

/** State category names used by ADO. */
export type StateCategory =
  | 'Proposed'
  | 'InProgress'
  | 'Resolved'
  | 'Completed'
  | 'Removed';

/** One state of a work item type. */
export interface SeedState {
  name: string;
  /** Bare hex without `#`, as ADO returns it. */
  color: string;
  category: StateCategory;
  /** `system` (from the base process), `inherited` or `custom`. Default `system`. */
  customizationType?: 'system' | 'inherited' | 'custom';
  /** Reason set on entering this state. */
  reason?: string;
}

/** One work item type of a process. */
export interface SeedWorkItemType {
  name: string;
  referenceName: string;
  description?: string;
  color: string;
  icon: string;
  customization?: 'system' | 'inherited' | 'custom';
  /** Reference name of the base type, for inherited types. */
  inherits?: string | null;
  /** Work item type category reference name, e.g. `Microsoft.BugCategory`. */
  category: string;
  states: SeedState[];
}

/** A process (Agile, Scrum, Basic, or an inherited one). */
export interface SeedProcess {
  typeId: string;
  name: string;
  description?: string;
  /** `null` for system processes, `Inherited.{guid}` for inherited ones. */
  referenceName?: string | null;
  parentProcessTypeId?: string;
  customizationType?: 'system' | 'inherited' | 'custom';
  isDefault?: boolean;
  isEnabled?: boolean;
  workItemTypes: SeedWorkItemType[];
}

/** A user (graph user and identity). */
export interface SeedUser {
  displayName: string;
  email: string;
  /** Identity id; derived from the e-mail when absent. */
  id?: string;
  /** Organizations the user belongs to; all when absent. */
  orgs?: string[];
  /** `service` marks an integration account (still an AAD user). */
  kind?: 'user' | 'service';
}

/** A personal access token or bearer token and whose it is. */
export interface SeedCredential {
  token: string;
  /** E-mail of a seed user. */
  user: string;
  /** Organizations it is valid for; all orgs the user belongs to when absent. */
  orgs?: string[];
}

export interface SeedProject {
  id?: string;
  name: string;
  description?: string;
  /** Process name or typeId. */
  process: string;
  visibility?: 'private' | 'public' | 'organization';
  /** Team names; the default team `{name} Team` always exists. */
  teams?: string[];
}

export interface SeedComment {
  text: string;
  by?: string;
}

export interface SeedWorkItem {
  id?: number;
  project: string;
  type: string;
  title: string;
  state?: string;
  description?: string;
  /** E-mail of the assignee. */
  assignedTo?: string;
  /** `Project` or `Project\\Team`; defaults to the project name. */
  areaPath?: string;
  createdBy?: string;
  priority?: number;
  tags?: string;
  comments?: SeedComment[];
}

export interface SeedOrganization {
  name: string;
  accountId: string;
  /** Names or typeIds of the processes available in this org; all when absent. */
  processes?: string[];
  projects: SeedProject[];
  workItems?: SeedWorkItem[];
}

/** The whole seed. */
export interface EmulatorSeed {
  /** Page size of graph users lists (default 100). */
  graphPageSize?: number;
  users: SeedUser[];
  pats: SeedCredential[];
  tokens?: SeedCredential[];
  processes: SeedProcess[];
  organizations: SeedOrganization[];
}
