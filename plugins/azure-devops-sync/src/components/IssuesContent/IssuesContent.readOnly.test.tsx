// usePermission caches answers per permission in a module-wide swr cache
// (2 s de-duplication), so the DENY case gets its own test file.
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
import { azureDevOpsSyncIssueUpdatePermission } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  activity,
  entity,
  fabrikam,
  fakeApi,
  issue,
  workItemLink,
} from '../../testing/fixtures';
import { IssuesContent } from './IssuesContent';

jest.setTimeout(60_000);

describe('IssuesContent without the update permission', () => {
  it('shows the issue and its activity but no action controls', async () => {
    const api = fakeApi();
    api.listIssues.mockResolvedValue({
      items: [
        issue({
          links: [
            ...issue().links,
            workItemLink({
              workItemId: 44,
              sync: {
                status: 'failed',
                reason: 'HTTP 503 from Azure DevOps',
                updatedAt: '2026-12-03T12:00:00Z',
              },
            }),
            workItemLink({ workItemId: 46, broken: true }),
          ],
        }),
      ],
    });
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.getIssueActivity.mockResolvedValue({
      items: activity,
      nextCursor: null,
    });
    const authorize = jest.fn(() => AuthorizeResult.DENY);
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [azureDevOpsSyncApiRef, api],
          [permissionApiRef, mockApis.permission({ authorize })],
          [catalogApiRef, catalogApiMock()],
        ]}
      >
        <EntityProvider entity={entity()}>
          <IssuesContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const user = userEvent.setup();
    await user.click(
      await screen.findByRole('button', { name: 'TypeError: x is undefined' }),
    );
    const drawer = within(
      await screen.findByRole('region', { name: 'TypeError: x is undefined' }),
    );
    expect(await drawer.findByTestId('activity-a2')).toHaveTextContent(
      'Carol White in Azure DevOps (#42)',
    );
    expect(
      drawer.getAllByRole('link', { name: /#42 Fix login crash/ }),
    ).toHaveLength(2);
    for (const name of [
      'Resolve',
      'Unresolve',
      'Ignore',
      'Assign',
      'Unassign',
      'Link work item',
      'Create work item',
      'Add comment',
    ]) {
      expect(drawer.queryByRole('button', { name })).toBeNull();
    }
    expect(drawer.queryByRole('textbox', { name: 'Comment' })).toBeNull();
    // The sync states show; Retry and Unlink do not, in the drawer or the table.
    expect(drawer.getByText('Failed')).toBeInTheDocument();
    expect(drawer.getByText('HTTP 503 from Azure DevOps')).toBeInTheDocument();
    expect(drawer.getByText('Deleted in Azure DevOps')).toBeInTheDocument();
    expect(
      screen.queryAllByRole('button', {
        name: /^(Retry|Unlink)/,
        hidden: true,
      }),
    ).toHaveLength(0);
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: azureDevOpsSyncIssueUpdatePermission.name,
        }),
      }),
    );
  });
});
