// Test data shared by the component tests (plain data, no test libraries).
import type { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ChoiceMapperField,
  ConfigField,
  Organization,
  OrganizationConfig,
} from '@internal/plugin-azure-devops-sync-common';
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
    listIssues: notMocked('listIssues'),
    getIssue: notMocked('getIssue'),
    getIssueActivity: notMocked('getIssueActivity'),
    updateIssue: notMocked('updateIssue'),
    linkWorkItem: notMocked('linkWorkItem'),
    addComment: notMocked('addComment'),
    listDeliveries: notMocked('listDeliveries'),
    replayDelivery: notMocked('replayDelivery'),
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
