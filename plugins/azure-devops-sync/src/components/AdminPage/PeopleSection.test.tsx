import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import type { PeopleMappingList } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import { fabrikam, fakeApi, responseError } from '../../testing/fixtures';
import { PeopleSection } from './PeopleSection';

// MUI autocomplete + user-event are slow in jsdom on a busy machine.
jest.setTimeout(30_000);

function user(name: string, displayName: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name, namespace: 'default' },
    spec: { profile: { displayName } },
  };
}

const people: PeopleMappingList = {
  items: [
    {
      adoIdentity: 'alice.adams@fabrikam.onmicrosoft.com',
      userEntityRef: 'user:default/alice',
    },
  ],
  suggestions: [
    {
      adoIdentity: 'bob_guest#EXT#@fabrikam.onmicrosoft.com',
      displayName: 'Bob Builder (Guest)',
      lastSeenAt: '2026-12-02T08:00:00Z',
    },
  ],
};

async function renderSection(
  api: ReturnType<typeof fakeApi>,
  canUpdate:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [permissionApiRef, mockApis.permission({ authorize: canUpdate })],
        [
          catalogApiRef,
          catalogApiMock({
            entities: [
              user('alice', 'Alice Adams'),
              user('bob', 'Bob Builder'),
            ],
          }),
        ],
      ]}
    >
      <PeopleSection organization={fabrikam} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

async function pickUser(label: string, name: RegExp) {
  const u = userEvent.setup();
  await u.click(screen.getByLabelText(label));
  await u.click(await screen.findByRole('option', { name }));
}

describe('PeopleSection', () => {
  it('maps a suggested identity in one click and saves the mappings', async () => {
    const api = fakeApi();
    api.getPeople.mockResolvedValue(people);
    api.updatePeople.mockResolvedValue(people);
    await renderSection(api);
    const u = userEvent.setup();

    expect(
      await screen.findByDisplayValue('alice.adams@fabrikam.onmicrosoft.com'),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Catalog user 1')).toHaveValue(
      'Alice Adams (user:default/alice)',
    );
    // Nothing changed yet.
    expect(
      screen.getByRole('button', { name: 'Save mappings' }),
    ).toBeDisabled();

    await u.click(
      screen.getByRole('button', {
        name: 'Map bob_guest#EXT#@fabrikam.onmicrosoft.com',
      }),
    );
    expect(screen.getByLabelText('Azure DevOps identity 2')).toHaveValue(
      'bob_guest#EXT#@fabrikam.onmicrosoft.com',
    );
    const suggestions = screen.getByRole('table', {
      name: 'Suggested identities',
    });
    expect(within(suggestions).getByText('In the table')).toBeInTheDocument();
    // A row without its user cannot be saved.
    expect(
      screen.getByRole('button', { name: 'Save mappings' }),
    ).toBeDisabled();
    expect(
      screen.getByText(
        'Each mapping needs an Azure DevOps identity and a catalog user.',
      ),
    ).toBeInTheDocument();

    await pickUser('Catalog user 2', /Bob Builder/);
    await u.click(screen.getByRole('button', { name: 'Save mappings' }));

    await waitFor(() =>
      expect(api.updatePeople).toHaveBeenCalledWith('org-1', {
        items: [
          {
            adoIdentity: 'alice.adams@fabrikam.onmicrosoft.com',
            userEntityRef: 'user:default/alice',
          },
          {
            adoIdentity: 'bob_guest#EXT#@fabrikam.onmicrosoft.com',
            userEntityRef: 'user:default/bob',
          },
        ],
      }),
    );
    expect(
      await screen.findByText('Saved the people mappings of fabrikam.'),
    ).toBeInTheDocument();
    expect(api.getPeople).toHaveBeenCalledTimes(2);
  });

  it('removes a mapping and adds a typed one', async () => {
    const api = fakeApi();
    api.getPeople.mockResolvedValue(people);
    api.updatePeople.mockResolvedValue({ items: [], suggestions: [] });
    await renderSection(api);
    const u = userEvent.setup();
    await screen.findByDisplayValue('alice.adams@fabrikam.onmicrosoft.com');

    await u.click(screen.getByRole('button', { name: 'Remove mapping 1' }));
    await u.click(screen.getByRole('button', { name: 'Add mapping' }));
    await u.type(
      screen.getByLabelText('Azure DevOps identity 1'),
      ' carol@contoso.com ',
    );
    await pickUser('Catalog user 1', /Alice Adams/);
    await u.click(screen.getByRole('button', { name: 'Save mappings' }));
    await waitFor(() =>
      expect(api.updatePeople).toHaveBeenCalledWith('org-1', {
        items: [
          {
            adoIdentity: 'carol@contoso.com',
            userEntityRef: 'user:default/alice',
          },
        ],
      }),
    );
  });

  it("shows the server's message when it refuses a mapping", async () => {
    const api = fakeApi();
    api.getPeople.mockResolvedValue({ items: [], suggestions: [] });
    api.updatePeople.mockRejectedValue(
      await responseError(
        400,
        'No catalog user user:default/alice for alice@fabrikam.com',
      ),
    );
    await renderSection(api);
    const u = userEvent.setup();
    expect(
      await screen.findByText(
        /None so far: they appear when Azure DevOps assigns a work item/,
      ),
    ).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Add mapping' }));
    await u.type(
      screen.getByLabelText('Azure DevOps identity 1'),
      'alice@fabrikam.com',
    );
    await pickUser('Catalog user 1', /Alice Adams/);
    await u.click(screen.getByRole('button', { name: 'Save mappings' }));
    expect(
      await screen.findByText(
        /Could not save the mappings: No catalog user user:default\/alice for alice@fabrikam.com/,
      ),
    ).toBeInTheDocument();
    // The draft stays for a correction.
    expect(screen.getByLabelText('Azure DevOps identity 1')).toHaveValue(
      'alice@fabrikam.com',
    );
  });

  it('refuses an identity mapped twice before saving', async () => {
    const api = fakeApi();
    api.getPeople.mockResolvedValue(people);
    await renderSection(api);
    const u = userEvent.setup();
    await screen.findByDisplayValue('alice.adams@fabrikam.onmicrosoft.com');
    await u.click(screen.getByRole('button', { name: 'Add mapping' }));
    await u.type(
      screen.getByLabelText('Azure DevOps identity 2'),
      'Alice.Adams@fabrikam.onmicrosoft.com',
    );
    await pickUser('Catalog user 2', /Bob Builder/);
    expect(
      screen.getByText(
        'Alice.Adams@fabrikam.onmicrosoft.com is mapped more than once.',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Save mappings' }),
    ).toBeDisabled();
  });

  it('shows an error panel when the mappings cannot be read', async () => {
    const api = fakeApi();
    api.getPeople.mockRejectedValue(await responseError(500, 'Database down'));
    await renderSection(api);
    expect(
      await screen.findByText(/Could not load the people mappings/),
    ).toBeInTheDocument();
  });
});
