import { EntityProvider } from '@backstage/plugin-catalog-react';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import { entity, fakeApi, responseError } from '../../testing/fixtures';
import { IssuesContent } from './IssuesContent';

async function renderContent(api: ReturnType<typeof fakeApi>) {
  return renderInTestApp(
    <TestApiProvider apis={[[azureDevOpsSyncApiRef, api]]}>
      <EntityProvider entity={entity()}>
        <IssuesContent />
      </EntityProvider>
    </TestApiProvider>,
  );
}

// MUI + user-event interactions are slow in jsdom on a busy 2-core machine.
jest.setTimeout(30_000);

describe('IssuesContent', () => {
  it('lists the entity issues with their linked work items', async () => {
    const api = fakeApi();
    api.listIssues.mockResolvedValue({
      items: [
        {
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
            },
          ],
        },
      ],
    });
    await renderContent(api);
    expect(
      await screen.findByText('TypeError: x is undefined'),
    ).toBeInTheDocument();
    expect(screen.getByText('user:default/alice')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /#42 Fix login crash/ }),
    ).toHaveAttribute(
      'href',
      'https://dev.azure.com/fabrikam/Alpha/_workitems/edit/42',
    );
    expect(api.listIssues).toHaveBeenCalledWith({
      entityRef: 'component:default/web',
      status: 'unresolved',
    });
  });

  it('shows an empty state, and filters by status', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
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
});
