// usePermission caches answers per permission in a module-wide swr cache
// (2 s de-duplication), so the DENY case gets its own test file.
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { azureDevOpsSyncApiRef } from '../../api';
import { entity, fakeApi } from '../../testing/fixtures';
import { SdkKeysCard } from './SdkKeysCard';

describe('SdkKeysCard without the sdk-key permission', () => {
  it('explains the permission, lists no key and offers no create', async () => {
    const api = fakeApi();
    const permission = mockApis.permission({
      authorize: AuthorizeResult.DENY,
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [azureDevOpsSyncApiRef, api],
          [permissionApiRef, permission],
        ]}
      >
        <EntityProvider entity={entity()}>
          <SdkKeysCard />
        </EntityProvider>
      </TestApiProvider>,
    );

    expect(
      await screen.findByText(
        /needs the permission azure-devops-sync.sdk-key.create/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Create DSN' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
    // The list needs the permission too: the card does not ask for a 403.
    expect(api.listSdkKeys).not.toHaveBeenCalled();
  });
});
