// usePermission caches answers per permission in a module-wide swr cache
// (2 s de-duplication), so the DENY case gets its own test file.
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { azureDevOpsSyncOrganizationCreatePermission } from '@internal/plugin-azure-devops-sync-common';
import { screen, waitFor } from '@testing-library/react';
import { azureDevOpsSyncApiRef } from '../../api';
import { fakeApi } from '../../testing/fixtures';
import { AdminPage } from './AdminPage';

async function renderPage(
  api: ReturnType<typeof fakeApi>,
  canCreate:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: req =>
              req.permission.name ===
              azureDevOpsSyncOrganizationCreatePermission.name
                ? canCreate
                : AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <AdminPage />
    </TestApiProvider>,
  );
}

describe('AdminPage without the create permission', () => {
  it('hides the connect form without the create permission', async () => {
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [] });
    await renderPage(api, AuthorizeResult.DENY);
    await screen.findByText('No organization connected');
    await waitFor(() =>
      expect(
        screen.queryByLabelText('Organization name or URL'),
      ).not.toBeInTheDocument(),
    );
  });
});
