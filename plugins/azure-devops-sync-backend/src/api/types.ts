/** The parts of ADO REST responses the plugin reads (api-version 7.1). */

export interface AdoList<T> {
  count: number;
  value: T[];
}

export interface AdoProject {
  id: string;
  name: string;
  description?: string;
  url?: string;
  state?: string;
  revision?: number;
  visibility?: string;
  lastUpdateTime?: string;
}

export interface AdoProcess {
  typeId: string;
  name: string;
  referenceName?: string | null;
  isEnabled?: boolean;
  isDefault?: boolean;
  customizationType?: string;
  projects?: Array<{ id: string; name: string; url?: string }>;
}

export interface AdoWorkItemStateColor {
  name: string;
  color?: string;
  category: string;
}

export interface AdoProcessWorkItemState {
  id?: string;
  name: string;
  color?: string;
  stateCategory: string;
  order?: number;
  hidden?: boolean;
}

export interface AdoProcessWorkItemType {
  referenceName: string;
  name: string;
  isDisabled?: boolean;
  inherits?: string | null;
  states?: AdoProcessWorkItemState[];
}

export interface AdoWorkItemTypeCategory {
  name: string;
  referenceName: string;
  defaultWorkItemType?: { name: string; url: string };
  workItemTypes: Array<{ name: string; url: string }>;
}

export interface AdoIdentityRef {
  displayName?: string;
  uniqueName?: string;
  id?: string;
  descriptor?: string;
}

export interface AdoWorkItem {
  id: number;
  rev: number;
  fields: Record<string, any>;
  url?: string;
  _links?: Record<string, { href: string }>;
}

export interface AdoJsonPatchOp {
  op: 'add' | 'replace' | 'remove' | 'test';
  path: string;
  value?: unknown;
  from?: string | null;
}

export interface AdoWiqlResult {
  queryType?: string;
  queryResultType?: string;
  workItems: Array<{ id: number; url?: string }>;
}

export interface AdoGraphUser {
  descriptor: string;
  displayName: string;
  mailAddress?: string;
  principalName?: string;
  origin?: string;
  subjectKind?: string;
  metaType?: string;
}

export interface AdoSubscription {
  id: string;
  status?: string;
  publisherId: string;
  eventType: string;
  resourceVersion?: string;
  consumerId: string;
  consumerActionId: string;
  publisherInputs?: Record<string, string>;
  consumerInputs?: Record<string, string>;
  probationRetries?: number;
}

export interface AdoSubscriptionCreate {
  publisherId: 'tfs';
  eventType: string;
  resourceVersion: string;
  consumerId: 'webHooks';
  consumerActionId: 'httpRequest';
  publisherInputs: Record<string, string>;
  consumerInputs: Record<string, string>;
}

export interface AdoConnectionData {
  authenticatedUser: {
    id: string;
    descriptor?: string;
    subjectDescriptor?: string;
    providerDisplayName?: string;
    properties?: Record<string, { $value: string }>;
  };
  authorizedUser?: AdoConnectionData['authenticatedUser'];
  instanceId: string;
  deploymentType?: string;
}

export interface AdoProfile {
  id: string;
  displayName: string;
  emailAddress?: string;
  publicAlias?: string;
}
