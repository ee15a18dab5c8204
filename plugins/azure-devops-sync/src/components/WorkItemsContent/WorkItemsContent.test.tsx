import type { Entity } from '@backstage/catalog-model';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import type {
  BoardsWorkItem,
  BoardsWorkItemList,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import { fakeApi, responseError } from '../../testing/fixtures';
import { WorkItemsContent, isAzureDevOpsBoardsAvailable } from '.';

function boardsEntity(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'web',
      namespace: 'default',
      annotations: {
        'dev.azure.com/host-org': 'dev.azure.com/fabrikam',
        ...annotations,
      },
    },
    spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
  };
}

const annotated = boardsEntity({ 'dev.azure.com/project': 'Payments' });

function workItem(overrides: Partial<BoardsWorkItem> = {}): BoardsWorkItem {
  return {
    id: 101,
    title: 'Checkout fails for saved cards',
    type: 'Bug',
    state: 'Active',
    stateCategory: 'InProgress',
    assignedTo: null,
    changedDate: '2026-12-01T10:00:00Z',
    url: 'https://dev.azure.com/fabrikam/_workitems/edit/101',
    issueIds: [],
    ...overrides,
  };
}

const sample: BoardsWorkItem[] = [
  workItem({
    assignedTo: {
      displayName: 'Alice Adams',
      email: 'alice@fabrikam.com',
      userEntityRef: 'user:default/alice',
    },
    issueIds: ['iss-7'],
  }),
  workItem({
    id: 102,
    title: 'Add receipts export',
    type: 'User Story',
    state: 'New',
    stateCategory: 'Proposed',
    assignedTo: { displayName: 'Ext Contractor', email: 'ext@partner.com' },
  }),
  workItem({
    id: 103,
    title: 'Spike: new fraud rules',
    type: 'Spike',
    state: 'Closed',
    stateCategory: 'Completed',
  }),
];

function page(
  items: BoardsWorkItem[],
  total = items.length,
): BoardsWorkItemList {
  return { items, total };
}

async function renderContent(
  api: ReturnType<typeof fakeApi>,
  entity: Entity = annotated,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              {
                apiVersion: 'backstage.io/v1alpha1',
                kind: 'User',
                metadata: { name: 'alice', namespace: 'default' },
                spec: { profile: { displayName: 'Alice Adams' } },
              },
            ],
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity}>
        <WorkItemsContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** The query of the last page request (the filter choices' own request has top=200). */
function lastPageQuery(api: ReturnType<typeof fakeApi>) {
  const calls = api.listWorkItems.mock.calls.filter(
    ([options]) => options.top !== 200,
  );
  return calls[calls.length - 1]?.[0];
}

describe('WorkItemsContent', () => {
  it('shows each work item with its state, type, assignee and links', async () => {
    const api = fakeApi();
    api.listWorkItems.mockResolvedValue(page(sample));
    await renderContent(api);

    const bug = (
      await screen.findByText('Checkout fails for saved cards')
    ).closest('tr')!;
    expect(
      within(bug).getByText('Active').closest('[data-category]'),
    ).toHaveAttribute('data-category', 'InProgress');
    expect(within(bug).getByTestId('type-icon-bug')).toBeInTheDocument();
    expect(within(bug).getByTestId('work-item-type')).toHaveTextContent('Bug');
    expect(
      within(bug).getByRole('link', { name: /^Open Bug 101 in Azure DevOps/ }),
    ).toHaveAttribute(
      'href',
      'https://dev.azure.com/fabrikam/_workitems/edit/101',
    );
    // The mapped assignee is the catalog user, linked to their page.
    expect(
      within(bug).getByRole('link', { name: /Alice Adams/ }),
    ).toHaveAttribute('href', '/catalog/default/user/alice');
    expect(
      within(bug).getByRole('link', {
        name: 'Open the issue linked to work item 101',
      }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/web/azure-devops-issues?issue=iss-7',
    );

    const story = screen.getByText('Add receipts export').closest('tr')!;
    expect(
      within(story).getByTestId('type-icon-user-story'),
    ).toBeInTheDocument();
    expect(within(story).getByText('Ext Contractor')).toBeInTheDocument();
    expect(within(story).queryByRole('link', { name: /issue/ })).toBeNull();
    expect(
      within(story).getByText('New').closest('[data-category]'),
    ).toHaveAttribute('data-category', 'Proposed');

    const spike = screen.getByText('Spike: new fraud rules').closest('tr')!;
    expect(within(spike).getByTestId('type-icon-other')).toBeInTheDocument();
    expect(within(spike).getByText('Unassigned')).toBeInTheDocument();

    expect(lastPageQuery(api)).toEqual({
      entityRef: 'component:default/web',
      top: 10,
      skip: 0,
      state: undefined,
      type: undefined,
      assignedTo: undefined,
      q: undefined,
    });
  });

  it('asks the backend for the chosen state, type and assignee, from the first page', async () => {
    const api = fakeApi();
    api.listWorkItems.mockResolvedValue(page(sample, 30));
    await renderContent(api);
    await screen.findByText('Checkout fails for saved cards');
    const user = userEvent.setup();

    await user.click(screen.getByRole('button', { name: 'Next Page' }));
    await waitFor(() => expect(lastPageQuery(api)?.skip).toBe(10));

    await user.selectOptions(screen.getByLabelText('State'), 'Closed');
    await waitFor(() =>
      expect(lastPageQuery(api)).toMatchObject({ state: 'Closed', skip: 0 }),
    );
    await user.selectOptions(screen.getByLabelText('Type'), 'User Story');
    await user.selectOptions(
      screen.getByLabelText('Assigned to'),
      'alice@fabrikam.com',
    );
    await waitFor(() =>
      expect(lastPageQuery(api)).toMatchObject({
        state: 'Closed',
        type: 'User Story',
        assignedTo: 'alice@fabrikam.com',
        skip: 0,
      }),
    );
    // The choices list what the entity's work items hold, by name.
    expect(
      within(screen.getByLabelText('Assigned to')).getByRole('option', {
        name: 'Ext Contractor',
      }),
    ).toBeInTheDocument();
  });

  it('searches titles once typing pauses', async () => {
    const api = fakeApi();
    api.listWorkItems.mockResolvedValue(page(sample));
    await renderContent(api);
    await screen.findByText('Checkout fails for saved cards');
    const user = userEvent.setup();

    await user.type(screen.getByLabelText('Search work items'), 'receipts');
    await waitFor(() => expect(lastPageQuery(api)?.q).toBe('receipts'));
    // One request for the whole word, not one per letter.
    expect(
      api.listWorkItems.mock.calls.filter(([o]) => o.q && o.q !== 'receipts'),
    ).toHaveLength(0);
  });

  it('says which annotation is missing and asks nothing', async () => {
    const api = fakeApi();
    await renderContent(api, boardsEntity());
    expect(await screen.findByText('Missing Annotation')).toBeInTheDocument();
    expect(
      screen.getAllByText(/dev\.azure\.com\/project/).length,
    ).toBeGreaterThan(0);
    expect(api.listWorkItems).not.toHaveBeenCalled();
  });

  it('asks Azure DevOps again on Refresh, past the backend cache', async () => {
    const api = fakeApi();
    api.listWorkItems.mockResolvedValue(page(sample));
    await renderContent(api);
    await screen.findByText('Checkout fails for saved cards');
    expect(lastPageQuery(api)?.refresh).toBeFalsy();
    await userEvent.click(
      screen.getByRole('button', { name: 'Refresh work items' }),
    );
    await waitFor(() => expect(lastPageQuery(api)?.refresh).toBe(true));
  });

  it('shows an error panel when Azure DevOps cannot be read', async () => {
    const api = fakeApi();
    api.listWorkItems.mockRejectedValue(
      await responseError(502, 'Azure DevOps answered 503 to the WIQL query'),
    );
    await renderContent(api);
    expect(
      await screen.findByText(/Could not load the work items/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Azure DevOps answered 503 to the WIQL query'),
    ).toBeVisible();
  });

  it("shows the backend's reason when it lists nothing for the entity", async () => {
    const api = fakeApi();
    api.listWorkItems.mockResolvedValue({
      items: [],
      total: 0,
      reason: 'No connected organization matches dev.azure.com/fabrikam',
    });
    await renderContent(api);
    expect(
      await screen.findByText(
        'No connected organization matches dev.azure.com/fabrikam',
      ),
    ).toBeInTheDocument();
  });

  it('is available only with the project annotation', () => {
    expect(isAzureDevOpsBoardsAvailable(annotated)).toBe(true);
    expect(isAzureDevOpsBoardsAvailable(boardsEntity())).toBe(false);
  });
});
