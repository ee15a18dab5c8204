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
import { screen, waitFor, within } from '@testing-library/react';
import { azureDevOpsSyncApiRef } from '../../api';
import { entity, fabrikam, fakeApi, orgConfig } from '../../testing/fixtures';
import { OrgConfigCard } from './OrgConfigCard';

type Api = ReturnType<typeof fakeApi>;

function setup(options: {
  organizations?: (typeof fabrikam)[];
  config?: ReturnType<typeof orgConfig>;
}): Api {
  const api = fakeApi();
  api.listOrganizations.mockResolvedValue({
    items: options.organizations ?? [fabrikam],
  });
  api.getOrganizationConfig.mockResolvedValue(options.config ?? orgConfig());
  return api;
}

async function renderCard(
  api: Api,
  options: {
    annotation?: string;
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  } = {},
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({
            authorize: options.permission ?? AuthorizeResult.ALLOW,
          }),
        ],
      ]}
    >
      <EntityProvider entity={entity(options.annotation)}>
        <OrgConfigCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

/** The row of the mapping table that shows a project. */
function mappingRow(projectName: string) {
  const table = screen.getByRole('table', {
    name: 'Sync Backstage Status to Azure DevOps',
  });
  const cell = within(table).getByText(projectName);
  return cell.closest('tr') as HTMLElement;
}

describe('OrgConfigCard without the update permission', () => {
  it('is read-only without the update permission', async () => {
    const api = setup({});
    await renderCard(api, { permission: AuthorizeResult.DENY });
    await screen.findByText('Sync Backstage Status to Azure DevOps');
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Save' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
    expect(screen.queryAllByRole('combobox')).toHaveLength(0);
    expect(
      screen.queryByRole('button', { name: /Remove/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByLabelText('Add Azure DevOps Project'),
    ).not.toBeInTheDocument();
    const row = mappingRow('Alpha');
    expect(
      within(row).getByText('Resolved', { selector: 'p' }),
    ).toBeInTheDocument();
    expect(within(row).getByText('Active')).toBeInTheDocument();
    expect(screen.getAllByText('On')).toHaveLength(1);
    expect(screen.getAllByText('Off')).toHaveLength(3);
    expect(
      screen.getByText(/you don't have permission to change them/),
    ).toBeInTheDocument();
  });
});
