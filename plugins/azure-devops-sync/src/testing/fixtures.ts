// Test data shared by the component tests (plain data, no test libraries).
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ActivityItem,
  ChoiceMapperField,
  ConfigField,
  CreateWorkItemConfig,
  Issue,
  IssueLink,
  Organization,
  OrganizationConfig,
  OutboundJob,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { AzureDevOpsSyncApi } from '../api';

export const fabrikam: Organization = {
  id: 'org-1',
  name: 'fabrikam',
  externalId: 'acc-1',
  domainName: 'https://dev.azure.com/fabrikam/',
  status: 'active',
  statusReason: null,
  subscription: {
    id: 'sub-1',
    status: 'enabled',
    lastCheckedAt: '2026-11-26T10:00:00Z',
  },
  lastDeliveryAt: '2026-11-26T09:55:00Z',
  createdAt: '2026-11-01T00:00:00Z',
};

export const contoso: Organization = {
  ...fabrikam,
  id: 'org-2',
  name: 'contoso',
  externalId: 'acc-2',
  domainName: 'https://dev.azure.com/contoso/',
};

export function entity(annotation?: string, kind = 'Component'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: {
      name: 'web',
      namespace: 'default',
      annotations: annotation
        ? { 'dev.azure.com/host-org': annotation }
        : undefined,
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const pairs = (names: string[]) => names.map(n => [n, n] as [string, string]);

/** Alpha (Agile) and Beta (Scrum) offer different states; Gamma is unmapped. */
export function mapperField(
  overrides: Partial<ChoiceMapperField> = {},
): ChoiceMapperField {
  const byProject = {
    'p-alpha': pairs(['Active', 'Closed', 'New', 'Resolved']),
    'p-beta': pairs(['Approved', 'Committed', 'Done', 'New']),
    'p-gamma': pairs(['Doing', 'Done', 'To Do']),
  };
  const all = pairs([
    'Active',
    'Approved',
    'Closed',
    'Committed',
    'Doing',
    'Done',
    'New',
    'Resolved',
    'To Do',
  ]);
  return {
    name: 'sync_status_forward',
    type: 'choice_mapper',
    label: 'Sync Backstage Status to Azure DevOps',
    help: 'When an issue is resolved or unresolved, set the linked work item to this state.',
    addButtonText: 'Add Azure DevOps Project',
    addDropdown: {
      emptyMessage: 'All projects configured',
      noResultsMessage: 'Could not find Azure DevOps project',
      items: [
        { value: 'p-alpha', label: 'Alpha' },
        { value: 'p-beta', label: 'Beta' },
        { value: 'p-gamma', label: 'Gamma' },
      ],
    },
    mappedSelectors: {
      on_resolve: {
        placeholder: 'Select a status',
        choices: all,
        choicesByProject: byProject,
      },
      on_unresolve: {
        placeholder: 'Select a status',
        choices: all,
        choicesByProject: byProject,
      },
    },
    columnLabels: {
      on_resolve: 'When resolved',
      on_unresolve: 'When unresolved',
      inbound_done: 'Counts as done (inbound)',
    },
    mappedColumnLabel: 'Azure DevOps Project',
    formatMessageValue: false,
    projectStates: {
      'p-alpha': {
        states: [
          { name: 'New', category: 'Proposed' },
          { name: 'Active', category: 'InProgress' },
          { name: 'Resolved', category: 'Resolved' },
          { name: 'Closed', category: 'Completed' },
        ],
        defaultDoneStates: ['Resolved', 'Closed'],
      },
      'p-beta': {
        states: [
          { name: 'New', category: 'Proposed' },
          { name: 'Approved', category: 'Proposed' },
          { name: 'Committed', category: 'InProgress' },
          { name: 'Done', category: 'Completed' },
        ],
        defaultDoneStates: ['Done'],
      },
      'p-gamma': {
        states: [
          { name: 'To Do', category: 'Proposed' },
          { name: 'Doing', category: 'InProgress' },
          { name: 'Done', category: 'Completed' },
        ],
        defaultDoneStates: ['Done'],
      },
    },
    ...overrides,
  };
}

export const booleanFields: ConfigField[] = [
  {
    name: 'sync_forward_assignment',
    type: 'boolean',
    label: 'Sync Backstage Assignment to Azure DevOps',
    help: 'When an issue is assigned in Backstage, assign the linked work item.',
  },
  {
    name: 'sync_comments',
    type: 'boolean',
    label: 'Sync Backstage Comments to Azure DevOps',
    help: 'Post comments to the linked work item.',
  },
  {
    name: 'sync_status_reverse',
    type: 'boolean',
    label: 'Sync Azure DevOps Status to Backstage',
    help: 'Resolve the issue when the work item is done.',
  },
  {
    name: 'sync_reverse_assignment',
    type: 'boolean',
    label: 'Sync Azure DevOps Assignment to Backstage',
    help: 'Assign the issue when the work item is assigned.',
  },
];

export function orgConfig(
  overrides: Partial<OrganizationConfig> = {},
): OrganizationConfig {
  return {
    organizationId: 'org-1',
    fields: [mapperField(), ...booleanFields],
    values: {
      sync_status_forward: {
        'p-alpha': { on_resolve: 'Resolved', on_unresolve: 'Active' },
      },
      sync_forward_assignment: true,
      sync_comments: false,
      sync_status_reverse: false,
      sync_reverse_assignment: false,
      inbound_done_states: {},
    },
    canUpdate: true,
    ...overrides,
  };
}

/** A linked work item (#50 unless overridden), synced unless overridden. */
export function workItemLink(overrides: Partial<IssueLink> = {}): IssueLink {
  const workItemId = overrides.workItemId ?? 50;
  return {
    organizationId: 'org-1',
    workItemId,
    url: `https://dev.azure.com/fabrikam/Alpha/_workitems/edit/${workItemId}`,
    title: `Work item ${workItemId}`,
    state: 'Active',
    sync: { status: 'synced', updatedAt: '2026-11-25T10:00:00Z' },
    ...overrides,
  };
}

export function issue(overrides: Partial<Issue> = {}): Issue {
  return {
    id: 'i1',
    shortId: 'WEB-1',
    entityRef: 'component:default/web',
    title: 'TypeError: x is undefined',
    culprit: 'app.js in render',
    level: 'error',
    status: 'unresolved',
    assignee: 'user:default/alice',
    timesSeen: 12,
    firstSeen: '2026-11-20T00:00:00Z',
    lastSeen: '2026-11-26T00:00:00Z',
    links: [
      {
        organizationId: 'org-1',
        workItemId: 42,
        url: 'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/42',
        title: 'Fix login crash',
        state: 'Active',
        sync: { status: 'synced', updatedAt: '2026-11-25T10:00:00Z' },
      },
    ],
    ...overrides,
  };
}

/** A user comment, an ADO-sourced assignment and a link. */
export const activity: ActivityItem[] = [
  {
    id: 'a1',
    type: 'linked',
    createdAt: '2026-11-25T10:00:00Z',
    source: { kind: 'user', userEntityRef: 'user:default/alice' },
    data: {
      organizationId: 'org-1',
      workItemId: 42,
      url: 'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/42',
      // As the backend records it: the project and number, and the work item's title.
      displayName: 'Alpha#42',
      title: 'Fix login crash',
    },
  },
  {
    id: 'a2',
    type: 'assigned',
    createdAt: '2026-11-25T11:00:00Z',
    source: {
      kind: 'azure-devops',
      organizationId: 'org-1',
      workItemId: 42,
      revision: 7,
      actor: { displayName: 'Carol White' },
    },
    data: { assignee: 'user:default/bob', previous: 'user:default/alice' },
  },
  {
    id: 'a3',
    type: 'comment',
    createdAt: '2026-11-25T12:00:00Z',
    source: { kind: 'user', userEntityRef: 'user:default/alice' },
    data: { text: 'Looking into it' },
  },
];

export const createConfig: CreateWorkItemConfig = {
  projects: [
    { value: 'p-alpha', label: 'Alpha' },
    { value: 'p-beta', label: 'Beta' },
  ],
  workItemTypes: {
    'p-alpha': [
      { value: 'Bug', label: 'Bug' },
      { value: 'Task', label: 'Task' },
    ],
  },
  defaults: { project: 'p-alpha', workItemType: 'Bug' },
};

/** What `create-config?project=p-beta` adds: Beta's types (a Scrum project). */
export const betaTypes = {
  'p-beta': [
    { value: 'Product Backlog Item', label: 'Product Backlog Item' },
    { value: 'Task', label: 'Task' },
  ],
};

export function job(overrides: Partial<OutboundJob> = {}): OutboundJob {
  return {
    id: 'j1',
    organizationId: 'org-1',
    workItemId: 42,
    issueId: 'i1',
    payload: { kind: 'status', status: 'resolved' },
    status: 'failed',
    attempts: 6,
    lastError: 'TF401320: Rule Error for field Reason',
    outcome: null,
    createdAt: '2026-11-26T09:00:00Z',
    finishedAt: '2026-11-26T09:30:00Z',
    ...overrides,
  };
}

/** Answers `getCreateConfig` as the backend does: types of one project. */
export async function createConfigFor(
  _organizationId: string,
  _entityRef: string,
  options?: { project?: string },
): Promise<CreateWorkItemConfig> {
  if (options?.project === 'p-beta') {
    return {
      ...createConfig,
      workItemTypes: betaTypes,
      defaults: { project: 'p-beta', workItemType: 'Product Backlog Item' },
    };
  }
  return createConfig;
}

/** An API whose methods all reject until a test gives them behaviour. */
export function fakeApi(): { [K in keyof AzureDevOpsSyncApi]: jest.Mock } {
  const notMocked = (name: string) =>
    jest.fn(() => Promise.reject(new Error(`${name} not mocked`)));
  return {
    listOrganizations: notMocked('listOrganizations'),
    connectOrganization: notMocked('connectOrganization'),
    getOrganizationConfig: notMocked('getOrganizationConfig'),
    updateOrganizationConfig: notMocked('updateOrganizationConfig'),
    searchWorkItems: notMocked('searchWorkItems'),
    getCreateConfig: notMocked('getCreateConfig'),
    listIssues: notMocked('listIssues'),
    getIssue: notMocked('getIssue'),
    getIssueTrends: notMocked('getIssueTrends'),
    getIssueActivity: notMocked('getIssueActivity'),
    updateIssue: notMocked('updateIssue'),
    linkWorkItem: notMocked('linkWorkItem'),
    retryLink: notMocked('retryLink'),
    unlinkWorkItem: notMocked('unlinkWorkItem'),
    addComment: notMocked('addComment'),
    listDeliveries: notMocked('listDeliveries'),
    replayDelivery: notMocked('replayDelivery'),
    listJobs: notMocked('listJobs'),
    replayJob: notMocked('replayJob'),
    listSdkKeys: notMocked('listSdkKeys'),
    createSdkKey: notMocked('createSdkKey'),
    revokeSdkKey: notMocked('revokeSdkKey'),
    listWorkItems: notMocked('listWorkItems'),
    getPeople: notMocked('getPeople'),
    updatePeople: notMocked('updatePeople'),
  };
}

/** A `ResponseError` with the body Backstage's error middleware writes. */
export function responseError(
  status: number,
  message: string,
  name = 'InputError',
): Promise<ResponseError> {
  const body = JSON.stringify({
    error: { name, message },
    request: { method: 'GET', url: '/x' },
    response: { statusCode: status },
  });
  const headers = new Map([['content-type', 'application/json']]);
  const response = {
    ok: false,
    redirected: false,
    status,
    statusText: status === 404 ? 'Not Found' : 'Bad Request',
    type: 'basic',
    url: 'http://localhost:7007/api/azure-devops-sync/x',
    headers,
    text: async () => body,
  };
  return ResponseError.fromResponse(
    response as unknown as Parameters<typeof ResponseError.fromResponse>[0],
  );
}
