// usePermission caches answers per permission in a module-wide swr cache
// (2 s de-duplication), so the DENY case gets its own test file.
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import {
  azureDevOpsSyncDeliveryManagePermission,
  azureDevOpsSyncOrganizationCreatePermission,
  type Delivery,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor } from '@testing-library/react';
import { azureDevOpsSyncApiRef } from '../../api';
import { fabrikam, fakeApi, job } from '../../testing/fixtures';
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

const failed: Delivery = {
  id: 'd1',
  organizationId: 'org-1',
  eventType: 'workitem.updated',
  workItemId: 42,
  revision: 7,
  status: 'failed',
  attempts: 5,
  lastError: 'Work item states could not be read',
  receivedAt: '2026-11-26T09:00:00Z',
  processedAt: null,
};

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

  it('hides the Replay buttons without the delivery manage permission', async () => {
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.listDeliveries.mockResolvedValue({ items: [failed] });
    api.listJobs.mockResolvedValue({ items: [job()] });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [azureDevOpsSyncApiRef, api],
          [
            permissionApiRef,
            mockApis.permission({
              authorize: req =>
                req.permission.name ===
                azureDevOpsSyncDeliveryManagePermission.name
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            }),
          ],
        ]}
      >
        <AdminPage />
      </TestApiProvider>,
    );
    expect(
      await screen.findByText('Work item states could not be read'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('TF401320: Rule Error for field Reason'),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(screen.queryByRole('button', { name: /Replay/ })).toBeNull(),
    );
  });
});
