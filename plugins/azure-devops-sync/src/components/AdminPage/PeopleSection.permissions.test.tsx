// usePermission caches answers per permission in a module-wide swr cache
// (2 s de-duplication), so the DENY case gets its own test file.
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { azureDevOpsSyncConfigUpdatePermission } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor } from '@testing-library/react';
import { azureDevOpsSyncApiRef } from '../../api';
import { fabrikam, fakeApi } from '../../testing/fixtures';
import { PeopleSection } from './PeopleSection';

describe('PeopleSection without the config update permission', () => {
  it('shows the mappings read-only, without the suggestions (identities from ADO)', async () => {
    const api = fakeApi();
    api.getPeople.mockResolvedValue({
      items: [
        {
          adoIdentity: 'alice@fabrikam.com',
          userEntityRef: 'user:default/alice',
        },
      ],
      suggestions: [
        {
          adoIdentity: 'ext@partner.com',
          lastSeenAt: '2026-12-02T08:00:00Z',
        },
      ],
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [azureDevOpsSyncApiRef, api],
          [
            permissionApiRef,
            mockApis.permission({
              authorize: req =>
                req.permission.name ===
                azureDevOpsSyncConfigUpdatePermission.name
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            }),
          ],
          [catalogApiRef, catalogApiMock({ entities: [] })],
        ]}
      >
        <PeopleSection organization={fabrikam} />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('alice@fabrikam.com')).toBeInTheDocument();
    expect(screen.queryByText('ext@partner.com')).toBeNull();
    expect(screen.queryByText('Suggestions')).toBeNull();
    await waitFor(() =>
      expect(screen.getByRole('link', { name: 'alice' })).toHaveAttribute(
        'href',
        '/catalog/default/user/alice',
      ),
    );
    expect(screen.queryByRole('button', { name: 'Save mappings' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add mapping' })).toBeNull();
    expect(screen.queryByRole('button', { name: /^Map / })).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
  });
});
