import { renderInTestApp } from '@backstage/frontend-test-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import { adminPageRouteRef } from '../../routes';
import {
  contoso,
  entity,
  fabrikam,
  fakeApi,
  orgConfig,
} from '../../testing/fixtures';
import { OrgConfigCard } from './OrgConfigCard';

function setup(organizations = [fabrikam]) {
  const api = fakeApi();
  api.listOrganizations.mockResolvedValue({ items: organizations });
  api.getOrganizationConfig.mockResolvedValue(orgConfig());
  return api;
}

async function renderCard(
  api: ReturnType<typeof fakeApi>,
  annotation?: string,
) {
  return renderInTestApp(
    <EntityProvider entity={entity(annotation)}>
      <OrgConfigCard />
    </EntityProvider>,
    {
      apis: [
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      ],
      mountedRoutes: { '/azure-devops-sync': adminPageRouteRef },
    },
  );
}

// MUI + user-event interactions are slow in jsdom on a busy 2-core machine.
jest.setTimeout(30_000);

describe('OrgConfigCard: whose settings', () => {
  it('says the settings are the organization’s, shared by its entities, and links to the admin page', async () => {
    await renderCard(setup());
    const scope = await screen.findByTestId('organization-scope');
    expect(scope).toHaveTextContent(
      'These settings belong to the Azure DevOps organization fabrikam and apply to every entity linked to it, not only to web.',
    );
    expect(
      within(scope).getByRole('link', { name: /admin page/ }),
    ).toHaveAttribute('href', '/azure-devops-sync');
    // The only organization: how to choose one when there are several.
    expect(scope).toHaveTextContent(
      'web uses fabrikam because it is the only connected organization',
    );
    expect(scope).toHaveTextContent(
      'dev.azure.com/host-org: dev.azure.com/fabrikam',
    );
  });

  it('names the annotation that picked the organization', async () => {
    await renderCard(setup([fabrikam, contoso]), 'dev.azure.com/contoso');
    const scope = await screen.findByTestId('organization-scope');
    expect(scope).toHaveTextContent(
      'web uses contoso because its annotation dev.azure.com/host-org: dev.azure.com/contoso names it.',
    );
  });

  it('shows the annotation to add when several organizations are connected', async () => {
    await renderCard(setup([fabrikam, contoso]));
    expect(
      await screen.findByText(
        /this entity must name its own: .* e\.g\. dev\.azure\.com\/host-org: dev\.azure\.com\/fabrikam/,
      ),
    ).toBeInTheDocument();
  });

  it('refuses one state for resolve and unresolve before saving', async () => {
    const user = userEvent.setup();
    const api = setup();
    await renderCard(api);
    const resolve = await screen.findByRole('combobox', {
      name: 'When resolved: Alpha',
    });
    const unresolve = screen.getByRole('combobox', {
      name: 'When unresolved: Alpha',
    });
    await user.selectOptions(resolve, (unresolve as HTMLSelectElement).value);
    expect(
      screen.getByText(
        `Resolving and unresolving both set "${
          (unresolve as HTMLSelectElement).value
        }": pick two different states.`,
      ),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
    expect(api.updateOrganizationConfig).not.toHaveBeenCalled();

    await user.selectOptions(resolve, 'Closed');
    expect(screen.queryByText(/pick two different states/)).toBeNull();
    expect(screen.getByRole('button', { name: 'Save' })).toBeEnabled();
  });
});
