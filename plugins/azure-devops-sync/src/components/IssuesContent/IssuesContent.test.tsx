import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import type { Entity } from '@backstage/catalog-model';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  activity,
  createConfig,
  createConfigFor,
  entity,
  fabrikam,
  fakeApi,
  issue,
  orgConfig,
  responseError,
  workItemLink,
} from '../../testing/fixtures';
import { IssuesContent } from './IssuesContent';

function userEntity(name: string, displayName: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { displayName } },
  };
}

async function renderContent(api: ReturnType<typeof fakeApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              userEntity('alice', 'Alice Adams'),
              userEntity('bob', 'Bob Builder'),
            ],
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity()}>
        <IssuesContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

/** An API with one issue, one organization and the sample activity. */
function apiWithIssue() {
  const api = fakeApi();
  api.listIssues.mockResolvedValue({ items: [issue()] });
  api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
  api.getIssueActivity.mockResolvedValue({ items: activity, nextCursor: null });
  return api;
}

async function openIssue() {
  const user = userEvent.setup();
  await user.click(
    await screen.findByRole('button', { name: 'TypeError: x is undefined' }),
  );
  const drawer = await screen.findByRole('region', {
    name: 'TypeError: x is undefined',
  });
  return { user, drawer: within(drawer) };
}

// MUI + user-event interactions are slow in jsdom on a busy 2-core machine.
jest.setTimeout(60_000);

describe('IssuesContent', () => {
  it('lists the entity issues with status, assignee and work items', async () => {
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.listIssues.mockResolvedValue({
      items: [
        issue({
          links: [
            ...issue().links,
            workItemLink({
              workItemId: 43,
              title: 'Deleted item',
              state: 'Removed',
              broken: true,
            }),
          ],
        }),
        issue({ id: 'i2', title: 'Timeout', assignee: null, links: [] }),
      ],
    });
    await renderContent(api);
    expect(
      await screen.findByRole('button', { name: 'TypeError: x is undefined' }),
    ).toBeInTheDocument();
    expect(screen.getByTestId('issue-status-i1')).toHaveTextContent(
      'Unresolved',
    );
    expect(
      within(screen.getByTestId('issue-assignee-i1')).getByRole('link'),
    ).toHaveAttribute('href', '/catalog/default/user/alice');
    expect(screen.getByTestId('issue-assignee-i2')).toHaveTextContent(
      'Unassigned',
    );
    expect(
      screen.getByRole('link', { name: /#42 Fix login crash/ }),
    ).toHaveAttribute(
      'href',
      'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/42',
    );
    expect(screen.getByText('(Active)')).toBeInTheDocument();
    expect(screen.getByText('Deleted in Azure DevOps')).toBeInTheDocument();
    expect(screen.getByText('Synced')).toBeInTheDocument();
    expect(api.listIssues).toHaveBeenCalledWith({
      entityRef: 'component:default/web',
      status: 'unresolved',
    });
  });

  it('reloads on Refresh, also the open issue', async () => {
    const api = apiWithIssue();
    api.listIssues
      .mockResolvedValueOnce({ items: [issue()] })
      .mockResolvedValue({
        items: [issue({ status: 'resolved', assignee: 'user:default/bob' })],
      });
    await renderContent(api);
    const user = userEvent.setup();
    await user.click(
      await screen.findByRole('button', { name: 'Refresh issues' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('issue-status-i1')).toHaveTextContent(
        'Resolved',
      ),
    );
    expect(
      within(screen.getByTestId('issue-assignee-i1')).getByRole('link'),
    ).toHaveAttribute('href', '/catalog/default/user/bob');
  });

  it('shows an empty state, and filters by status', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.listIssues.mockResolvedValue({ items: [] });
    await renderContent(api);
    expect(await screen.findByText('No issues')).toBeInTheDocument();
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Status' }),
      'All',
    );
    await waitFor(() =>
      expect(api.listIssues).toHaveBeenLastCalledWith({
        entityRef: 'component:default/web',
        status: undefined,
      }),
    );
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Status' }),
      'Ignored',
    );
    await waitFor(() =>
      expect(api.listIssues).toHaveBeenLastCalledWith({
        entityRef: 'component:default/web',
        status: 'ignored',
      }),
    );
  });

  it('explains a 404 from a backend without issues', async () => {
    const api = fakeApi();
    api.listIssues.mockImplementation(async () => {
      throw await responseError(404, 'Not found', 'NotFoundError');
    });
    await renderContent(api);
    expect(
      await screen.findByText('Issue sync is not available yet'),
    ).toBeInTheDocument();
  });

  it('shows other errors', async () => {
    const api = fakeApi();
    api.listIssues.mockImplementation(async () => {
      throw await responseError(500, 'boom', 'Error');
    });
    await renderContent(api);
    expect(
      await screen.findByText(/Could not load the issues/),
    ).toBeInTheDocument();
  });

  it('shows the activity timeline with user and Azure DevOps sources', async () => {
    const api = apiWithIssue();
    await renderContent(api);
    await openIssue();
    const linked = await screen.findByTestId('activity-a1');
    expect(within(linked).getAllByRole('link')[0]).toHaveAttribute(
      'href',
      '/catalog/default/user/alice',
    );
    expect(
      within(linked).getByRole('link', { name: /#42 Fix login crash/ }),
    ).toHaveAttribute(
      'href',
      'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/42',
    );
    const assigned = screen.getByTestId('activity-a2');
    expect(assigned).toHaveTextContent('Carol White in Azure DevOps (#42)');
    expect(assigned).toHaveTextContent('assigned the issue to');
    expect(within(assigned).getByRole('link')).toHaveAttribute(
      'href',
      '/catalog/default/user/bob',
    );
    const comment = screen.getByTestId('activity-a3');
    expect(comment).toHaveTextContent('commented');
    expect(comment).toHaveTextContent('Looking into it');
    expect(api.getIssueActivity).toHaveBeenCalledWith('i1', { limit: 50 });
  });

  it('resolves an issue and refreshes it', async () => {
    const api = apiWithIssue();
    api.updateIssue.mockResolvedValue(issue({ status: 'resolved' }));
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.click(drawer.getByRole('button', { name: 'Resolve' }));
    expect(api.updateIssue).toHaveBeenCalledWith('i1', {
      status: 'resolved',
    });
    expect(
      await drawer.findByRole('button', { name: 'Unresolve' }),
    ).toBeInTheDocument();
    expect(drawer.queryByRole('button', { name: 'Resolve' })).toBeNull();
    await waitFor(() => expect(api.getIssueActivity).toHaveBeenCalledTimes(2));
    await waitFor(() => expect(api.listIssues).toHaveBeenCalledTimes(2));
  });

  it('shows the server message when an action is refused', async () => {
    const api = apiWithIssue();
    api.updateIssue.mockImplementation(async () => {
      throw await responseError(400, 'Issue i1 cannot be ignored right now');
    });
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.click(drawer.getByRole('button', { name: 'Ignore' }));
    expect(await drawer.findByRole('alert')).toHaveTextContent(
      'Issue i1 cannot be ignored right now',
    );
    expect(api.updateIssue).toHaveBeenCalledWith('i1', { status: 'ignored' });
  });

  it('assigns a catalog user, and unassigns', async () => {
    const api = apiWithIssue();
    api.updateIssue.mockImplementation(
      async (_id: string, update: { assignee: string | null }) =>
        issue({ assignee: update.assignee }),
    );
    await renderContent(api);
    const { user, drawer } = await openIssue();
    const assignButton = drawer.getByRole('button', { name: 'Assign' });
    expect(assignButton).toBeDisabled();
    await user.type(drawer.getByRole('textbox', { name: 'Assignee' }), 'Bob');
    await user.click(
      await screen.findByRole('option', {
        name: 'Bob Builder (user:default/bob)',
      }),
    );
    await user.click(assignButton);
    expect(api.updateIssue).toHaveBeenCalledWith('i1', {
      assignee: 'user:default/bob',
    });
    // The table behind the modal drawer is aria-hidden.
    await waitFor(() =>
      expect(
        within(screen.getByTestId('issue-assignee-i1')).getByRole('link', {
          hidden: true,
        }),
      ).toHaveAttribute('href', '/catalog/default/user/bob'),
    );

    await user.click(drawer.getByRole('button', { name: 'Unassign' }));
    expect(api.updateIssue).toHaveBeenLastCalledWith('i1', {
      assignee: null,
    });
    await waitFor(() =>
      expect(screen.getByTestId('issue-assignee-i1')).toHaveTextContent(
        'Unassigned',
      ),
    );
  });

  it('shows a 400 when the assignee is not a catalog user', async () => {
    const api = apiWithIssue();
    api.updateIssue.mockImplementation(async () => {
      throw await responseError(
        400,
        'user:default/bob is not a User entity in the catalog',
      );
    });
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.type(drawer.getByRole('textbox', { name: 'Assignee' }), 'Bob');
    await user.click(await screen.findByRole('option', { name: /Bob/ }));
    await user.click(drawer.getByRole('button', { name: 'Assign' }));
    expect(await drawer.findByRole('alert')).toHaveTextContent(
      'user:default/bob is not a User entity in the catalog',
    );
  });

  it('links a work item found by searching as you type', async () => {
    const api = apiWithIssue();
    api.searchWorkItems.mockResolvedValue({
      items: [
        {
          id: 42,
          title: 'Fix login crash',
          state: 'Active',
          url: 'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/42',
        },
        {
          id: 77,
          title: 'Login page is slow',
          state: 'New',
          url: 'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/77',
          workItemType: 'Bug',
        },
      ],
    });
    const linkedIssue = issue({
      links: [
        ...issue().links,
        workItemLink({
          workItemId: 77,
          title: 'Login page is slow',
          state: 'New',
        }),
      ],
    });
    api.linkWorkItem.mockResolvedValue(linkedIssue);
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.click(drawer.getByRole('button', { name: 'Link work item' }));
    await user.type(
      drawer.getByRole('textbox', { name: 'Search work items' }),
      'login',
    );
    const hit = await drawer.findByRole('button', {
      name: /#77 Login page is slow/,
    });
    // Debounced: one search for the whole word, not one per keystroke.
    expect(api.searchWorkItems).toHaveBeenCalledTimes(1);
    expect(api.searchWorkItems).toHaveBeenCalledWith('org-1', 'login', {
      limit: 10,
    });
    // Already linked work items cannot be picked again.
    expect(
      drawer.getByRole('button', { name: /#42 Fix login crash/ }),
    ).toHaveAttribute('aria-disabled', 'true');
    await user.click(hit);
    expect(api.linkWorkItem).toHaveBeenCalledWith('i1', {
      organizationId: 'org-1',
      workItemId: 77,
    });
    expect(
      await drawer.findByRole('link', { name: /#77 Login page is slow/ }),
    ).toBeInTheDocument();
    expect(
      drawer.queryByRole('textbox', { name: 'Search work items' }),
    ).toBeNull();
  });

  it('creates a work item with the chosen project and type', async () => {
    const api = apiWithIssue();
    api.getCreateConfig.mockImplementation(createConfigFor);
    api.linkWorkItem.mockResolvedValue(issue());
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.click(drawer.getByRole('button', { name: 'Create work item' }));
    const project = await drawer.findByRole('combobox', { name: 'Project' });
    expect(project).toHaveValue('p-alpha');
    expect(
      drawer.getByRole('combobox', { name: 'Work item type' }),
    ).toHaveValue('Bug');
    expect(drawer.getByRole('textbox', { name: 'Title' })).toHaveValue(
      'TypeError: x is undefined',
    );
    await user.selectOptions(project, 'Beta');
    // Beta's types are fetched when it is picked; Beta has no Bug type.
    await waitFor(() =>
      expect(
        drawer.getByRole('combobox', { name: 'Work item type' }),
      ).toHaveValue('Product Backlog Item'),
    );
    expect(api.getCreateConfig).toHaveBeenLastCalledWith(
      'org-1',
      'component:default/web',
      { project: 'p-beta' },
    );
    expect(
      within(
        drawer.getByRole('combobox', { name: 'Work item type' }),
      ).getAllByRole('option', { hidden: true }),
    ).toHaveLength(2);
    await user.type(
      drawer.getByRole('textbox', { name: 'Description' }),
      'Seen 12 times',
    );
    await user.click(drawer.getByRole('button', { name: 'Create' }));
    expect(api.getCreateConfig).toHaveBeenCalledWith(
      'org-1',
      'component:default/web',
    );
    expect(api.linkWorkItem).toHaveBeenCalledWith('i1', {
      organizationId: 'org-1',
      create: {
        project: 'p-beta',
        workItemType: 'Product Backlog Item',
        title: 'TypeError: x is undefined',
        description: 'Seen 12 times',
      },
    });
    await waitFor(() =>
      expect(drawer.queryByRole('button', { name: 'Create' })).toBeNull(),
    );
  });

  it('shows Azure DevOps refusing to create a work item', async () => {
    const api = apiWithIssue();
    api.getCreateConfig.mockResolvedValue(createConfig);
    api.linkWorkItem.mockImplementation(async () => {
      throw await responseError(
        400,
        'TF401320: Rule Error for field Severity. Error code: Required',
      );
    });
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.click(drawer.getByRole('button', { name: 'Create work item' }));
    await user.click(await drawer.findByRole('button', { name: 'Create' }));
    expect(await drawer.findByRole('alert')).toHaveTextContent(
      'TF401320: Rule Error for field Severity',
    );
    // The form stays open to fix and retry.
    expect(drawer.getByRole('button', { name: 'Create' })).toBeEnabled();
  });

  it('falls back to the org config projects without the create-config route', async () => {
    const api = apiWithIssue();
    api.getCreateConfig.mockImplementation(async () => {
      throw await responseError(404, 'Not found', 'NotFoundError');
    });
    api.getOrganizationConfig.mockResolvedValue(orgConfig());
    api.linkWorkItem.mockResolvedValue(issue());
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await user.click(drawer.getByRole('button', { name: 'Create work item' }));
    const type = await drawer.findByRole('textbox', { name: 'Work item type' });
    expect(type).toHaveValue('Bug');
    expect(drawer.getByRole('combobox', { name: 'Project' })).toHaveValue(
      'p-alpha',
    );
    await user.clear(type);
    await user.type(type, 'Task');
    await user.click(drawer.getByRole('button', { name: 'Create' }));
    expect(api.linkWorkItem).toHaveBeenCalledWith('i1', {
      organizationId: 'org-1',
      create: {
        project: 'p-alpha',
        workItemType: 'Task',
        title: 'TypeError: x is undefined',
      },
    });
  });

  it('adds a comment and reloads the activity', async () => {
    const api = apiWithIssue();
    api.addComment.mockResolvedValue({
      id: 'a4',
      type: 'comment',
      createdAt: '2026-11-26T00:00:00Z',
      source: { kind: 'user', userEntityRef: 'user:default/alice' },
      data: { text: 'Fixed in 1.2.3' },
    });
    await renderContent(api);
    const { user, drawer } = await openIssue();
    await drawer.findByTestId('activity-a3');
    const button = drawer.getByRole('button', { name: 'Add comment' });
    expect(button).toBeDisabled();
    await user.type(
      drawer.getByRole('textbox', { name: 'Comment' }),
      'Fixed in 1.2.3',
    );
    await user.click(button);
    expect(api.addComment).toHaveBeenCalledWith('i1', 'Fixed in 1.2.3');
    await waitFor(() => expect(api.getIssueActivity).toHaveBeenCalledTimes(2));
    expect(drawer.getByRole('textbox', { name: 'Comment' })).toHaveValue('');
  });
});
