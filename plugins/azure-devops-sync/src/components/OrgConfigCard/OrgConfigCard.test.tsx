import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { ISSUE_CHANGED_SIGNAL_CHANNEL } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  booleanFields,
  contoso,
  entity,
  fabrikam,
  fakeApi,
  mapperField,
  orgConfig,
  responseError,
} from '../../testing/fixtures';
import { fakeSignals } from '../../__testUtils__/fakeSignals';
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

function optionsOf(select: HTMLElement) {
  return Array.from(select.querySelectorAll('option')).map(o => o.textContent);
}

// MUI + user-event interactions are slow in jsdom on a busy 2-core machine.
jest.setTimeout(30_000);

describe('OrgConfigCard', () => {
  it('reloads the connection health when a signal names one of the entity issues', async () => {
    const api = setup({});
    const signals = fakeSignals();
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [azureDevOpsSyncApiRef, api],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
          ],
          [signalApiRef, signals.api],
        ]}
      >
        <EntityProvider entity={entity()}>
          <OrgConfigCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    await screen.findByTestId('connection-health');
    expect(api.listOrganizations).toHaveBeenCalledTimes(1);
    api.listOrganizations.mockResolvedValue({
      items: [{ ...fabrikam, lastDeliveryAt: new Date().toISOString() }],
    });
    signals.publish(ISSUE_CHANGED_SIGNAL_CHANNEL, {
      issueId: 'other',
      entityRef: 'component:default/payments-api',
    });
    signals.publish(ISSUE_CHANGED_SIGNAL_CHANNEL, {
      issueId: 'i1',
      entityRef: 'component:default/web',
    });
    await waitFor(() =>
      expect(screen.getByTestId('connection-health')).toHaveTextContent(
        /Last delivery: (now|\d+ seconds? ago)/,
      ),
    );
    expect(api.listOrganizations).toHaveBeenCalledTimes(2);
  });

  it('shows progress while the organizations load', async () => {
    const api = fakeApi();
    api.listOrganizations.mockReturnValue(new Promise(() => {}));
    await renderCard(api);
    expect(screen.getByText('Azure DevOps Sync')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows progress while the config loads, under the org health', async () => {
    const api = setup({});
    api.getOrganizationConfig.mockReturnValue(new Promise(() => {}));
    await renderCard(api);
    expect(await screen.findByTestId('connection-health')).toBeInTheDocument();
    expect(screen.getByTestId('progress')).toBeInTheDocument();
  });

  it('shows the error when the organizations cannot be loaded', async () => {
    const api = fakeApi();
    api.listOrganizations.mockImplementation(async () => {
      throw await responseError(500, 'database is down', 'Error');
    });
    await renderCard(api);
    expect(
      await screen.findByText(/Could not load the Azure DevOps organizations/),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/database is down/).length).toBeGreaterThan(0);
  });

  it('shows the error when the config cannot be loaded', async () => {
    const api = setup({});
    api.getOrganizationConfig.mockImplementation(async () => {
      throw await responseError(
        503,
        'Azure DevOps is unreachable',
        'ServiceUnavailableError',
      );
    });
    await renderCard(api);
    expect(
      await screen.findByText(/Could not load the sync settings/),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/Azure DevOps is unreachable/).length,
    ).toBeGreaterThan(0);
  });

  it('asks for the annotation when no organization is connected', async () => {
    const api = setup({ organizations: [] });
    await renderCard(api);
    expect(
      await screen.findByText(/No Azure DevOps organization is connected yet/),
    ).toBeInTheDocument();
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/dev\.azure\.com\/host-org/).length,
    ).toBeGreaterThan(0);
    expect(api.getOrganizationConfig).not.toHaveBeenCalled();
  });

  it('asks for the annotation when several organizations are connected', async () => {
    const api = setup({ organizations: [fabrikam, contoso] });
    await renderCard(api);
    expect(
      await screen.findByText(
        /Several Azure DevOps organizations are connected \(fabrikam, contoso\)/,
      ),
    ).toBeInTheDocument();
  });

  it('says so when the annotation names an organization that is not connected', async () => {
    const api = setup({ organizations: [fabrikam] });
    await renderCard(api, { annotation: 'dev.azure.com/northwind' });
    expect(
      await screen.findByText(
        /names the organization "northwind", which is not connected/,
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Connected organizations: fabrikam/),
    ).toBeInTheDocument();
  });

  it('picks the annotated organization, case-insensitively', async () => {
    const api = setup({ organizations: [fabrikam, contoso] });
    await renderCard(api, { annotation: 'dev.azure.com/Contoso' });
    // The card's subheader and its scope note.
    expect(await screen.findAllByText('contoso')).toHaveLength(2);
    expect(api.getOrganizationConfig).toHaveBeenCalledWith('org-2', undefined);
  });

  it('accepts the old visualstudio.com host form', async () => {
    const api = setup({ organizations: [fabrikam, contoso] });
    await renderCard(api, { annotation: 'fabrikam.visualstudio.com' });
    await screen.findByText('Sync Backstage Comments to Azure DevOps');
    expect(api.getOrganizationConfig).toHaveBeenCalledWith('org-1', undefined);
  });

  it('shows the organization, its domain and connection health', async () => {
    const api = setup({
      organizations: [
        {
          ...fabrikam,
          status: 'error',
          statusReason: 'The personal access token has expired',
          subscription: {
            id: 'sub-1',
            status: 'disabledBySystem',
            lastCheckedAt: new Date(Date.now() - 5 * 60_000).toISOString(),
          },
          lastDeliveryAt: null,
        },
      ],
    });
    await renderCard(api);
    const health = await screen.findByTestId('connection-health');
    expect(screen.getAllByText('fabrikam')).toHaveLength(2);
    expect(
      within(health).getByRole('link', { name: /dev\.azure\.com\/fabrikam/ }),
    ).toHaveAttribute('href', 'https://dev.azure.com/fabrikam/');
    expect(
      within(health).getByText('Disabled by Azure DevOps'),
    ).toBeInTheDocument();
    expect(within(health).getByText('5 minutes ago')).toBeInTheDocument();
    expect(within(health).getByText(/Last delivery/)).toHaveTextContent(
      'Last delivery: never',
    );
    expect(
      within(health).getByText(/The personal access token has expired/),
    ).toBeInTheDocument();
  });

  it('shows the five settings in the server order with labels and help', async () => {
    const api = setup({});
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');
    const fields = screen
      .getAllByTestId(/^config-field-/)
      .map(e => e.getAttribute('data-testid'));
    expect(fields).toEqual([
      'config-field-sync_status_forward',
      'config-field-sync_forward_assignment',
      'config-field-sync_comments',
      'config-field-sync_status_reverse',
      'config-field-sync_reverse_assignment',
    ]);
    expect(
      screen.getByText('Post comments to the linked work item.'),
    ).toBeInTheDocument();
    const table = screen.getByRole('table', {
      name: 'Sync Backstage Status to Azure DevOps',
    });
    for (const header of [
      'Azure DevOps Project',
      'When resolved',
      'When unresolved',
      'Counts as done (inbound)',
    ]) {
      expect(within(table).getByText(header)).toBeInTheDocument();
    }
    // Alpha's inbound "done" defaults to its Resolved/Completed states.
    const row = mappingRow('Alpha');
    expect(
      within(row).getByText('Resolved', { selector: '.MuiChip-label' }),
    ).toBeInTheDocument();
    expect(
      within(row).getByText('Closed', { selector: '.MuiChip-label' }),
    ).toBeInTheDocument();
    expect(
      within(row).getByText('Default (by state category)'),
    ).toBeInTheDocument();
  });

  it('shows a disabled field with its reason and no way to change it', async () => {
    const api = setup({
      config: orgConfig({
        fields: [
          mapperField({
            disabled: true,
            disabledReason:
              'Issue sync is turned off (azureDevOpsSync.issueSync.enabled).',
          }),
          {
            ...booleanFields[0],
            disabled: true,
            disabledReason:
              'Requires the user list permission in Azure DevOps.',
          },
          ...booleanFields.slice(1),
        ],
      }),
    });
    await renderCard(api);
    expect(
      await screen.findByText(/Issue sync is turned off/),
    ).toBeInTheDocument();
    expect(
      screen.getByTestId('disabled-reason-sync_forward_assignment'),
    ).toHaveTextContent('Requires the user list permission in Azure DevOps.');
    // The mapper shows text, not selects; the switch is disabled.
    expect(
      screen.queryByRole('combobox', { name: /When resolved: Alpha/ }),
    ).not.toBeInTheDocument();
    expect(within(mappingRow('Alpha')).getByText('Active')).toBeInTheDocument();
    expect(
      screen.getByRole('checkbox', {
        name: 'Sync Backstage Assignment to Azure DevOps',
      }),
    ).toBeDisabled();
    // The other switches stay editable.
    expect(
      screen.getByRole('checkbox', {
        name: 'Sync Backstage Comments to Azure DevOps',
      }),
    ).toBeEnabled();
  });

  it('is read-only when the server says the user cannot update', async () => {
    const api = setup({ config: orgConfig({ canUpdate: false }) });
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');
    expect(
      screen.queryByRole('button', { name: 'Save' }),
    ).not.toBeInTheDocument();
    expect(screen.queryAllByRole('checkbox')).toHaveLength(0);
  });

  it('saves changed settings with PUT and confirms', async () => {
    const user = userEvent.setup();
    const api = setup({});
    const saved = orgConfig({
      values: {
        ...orgConfig().values,
        sync_status_forward: {
          'p-alpha': { on_resolve: 'Closed', on_unresolve: 'Active' },
        },
        sync_comments: true,
      },
    });
    api.updateOrganizationConfig.mockResolvedValue(saved);
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');

    const save = screen.getByRole('button', { name: 'Save' });
    expect(save).toBeDisabled();

    await user.selectOptions(
      screen.getByRole('combobox', { name: 'When resolved: Alpha' }),
      'Closed',
    );
    await user.click(
      screen.getByRole('checkbox', {
        name: 'Sync Backstage Comments to Azure DevOps',
      }),
    );
    expect(save).toBeEnabled();
    await user.click(save);

    await waitFor(() =>
      expect(api.updateOrganizationConfig).toHaveBeenCalledTimes(1),
    );
    expect(api.updateOrganizationConfig).toHaveBeenCalledWith('org-1', {
      sync_status_forward: {
        'p-alpha': { on_resolve: 'Closed', on_unresolve: 'Active' },
      },
      sync_comments: true,
    });
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Save' })).toBeDisabled();
  });

  it('shows the server validation message at the form and the field', async () => {
    const user = userEvent.setup();
    const api = setup({});
    api.updateOrganizationConfig.mockImplementation(async () => {
      throw await responseError(
        400,
        'Unknown state "Bogus" for project Alpha in sync_status_forward',
      );
    });
    await renderCard(api);
    await user.click(
      await screen.findByRole('checkbox', {
        name: 'Sync Azure DevOps Status to Backstage',
      }),
    );
    await user.click(screen.getByRole('button', { name: 'Save' }));

    expect(await screen.findByTestId('save-error')).toHaveTextContent(
      'Could not save the settings: Unknown state "Bogus" for project Alpha in sync_status_forward',
    );
    // Also under the field the message names.
    const field = screen.getByTestId('config-field-sync_status_forward');
    expect(within(field).getByRole('alert')).toHaveTextContent(
      'Unknown state "Bogus"',
    );
    // Not the generic "Request failed with 400" text.
    expect(screen.queryByText(/Request failed/)).not.toBeInTheDocument();
    // Editing clears the error.
    await user.click(
      screen.getByRole('checkbox', {
        name: 'Sync Azure DevOps Status to Backstage',
      }),
    );
    expect(screen.queryByTestId('save-error')).not.toBeInTheDocument();
  });

  it("adds a project row with that project's own states, and removes a row", async () => {
    const user = userEvent.setup();
    const api = setup({});
    api.updateOrganizationConfig.mockImplementation(async (_id, update) =>
      orgConfig({ values: { ...orgConfig().values, ...update } }),
    );
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');

    // Alpha (mapped) is not offered again.
    const add = screen.getByLabelText('Add Azure DevOps Project');
    await user.click(add);
    const listbox = await screen.findByRole('listbox');
    expect(
      within(listbox)
        .getAllByRole('option')
        .map(o => o.textContent),
    ).toEqual(['Beta', 'Gamma']);
    await user.click(within(listbox).getByText('Beta'));

    const betaResolve = screen.getByRole('combobox', {
      name: 'When resolved: Beta',
    });
    expect(optionsOf(betaResolve)).toEqual([
      'Select a status',
      'Approved',
      'Committed',
      'Done',
      'New',
    ]);
    const alphaResolve = screen.getByRole('combobox', {
      name: 'When resolved: Alpha',
    });
    expect(optionsOf(alphaResolve)).toEqual([
      'Select a status',
      'Active',
      'Closed',
      'New',
      'Resolved',
    ]);
    // Beta's inbound default is its own Completed state.
    expect(
      within(mappingRow('Beta')).getByText('Done', {
        selector: '.MuiChip-label',
      }),
    ).toBeInTheDocument();

    // An incomplete row is caught before saving, with the reference message.
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(
      within(mappingRow('Beta')).getByText(
        'Resolve and unresolve status are required.',
      ),
    ).toBeInTheDocument();
    expect(api.updateOrganizationConfig).not.toHaveBeenCalled();

    await user.selectOptions(betaResolve, 'Done');
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'When unresolved: Beta' }),
      'Committed',
    );
    await user.click(screen.getByRole('button', { name: 'Remove Alpha' }));
    expect(screen.queryByText('Alpha')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateOrganizationConfig).toHaveBeenCalledWith('org-1', {
        sync_status_forward: {
          'p-beta': { on_resolve: 'Done', on_unresolve: 'Committed' },
        },
      }),
    );
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
  });

  it('stores a chosen inbound "done" set per project', async () => {
    const user = userEvent.setup();
    const api = setup({});
    api.updateOrganizationConfig.mockResolvedValue(orgConfig());
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');

    const row = mappingRow('Alpha');
    // Drop "Resolved" from the default [Resolved, Closed]: only Closed counts.
    const resolvedChip = within(row)
      .getByText('Resolved', { selector: '.MuiChip-label' })
      .closest('.MuiChip-root') as HTMLElement;
    await user.click(resolvedChip.querySelector('.MuiChip-deleteIcon')!);
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.updateOrganizationConfig).toHaveBeenCalledWith('org-1', {
        inbound_done_states: { 'p-alpha': ['Closed'] },
      }),
    );
  });

  it('tells the user when every project is mapped or none matches', async () => {
    const user = userEvent.setup();
    const values = {
      ...orgConfig().values,
      sync_status_forward: {
        'p-alpha': { on_resolve: 'Resolved', on_unresolve: 'Active' },
        'p-beta': { on_resolve: 'Done', on_unresolve: 'Committed' },
        'p-gamma': { on_resolve: 'Done', on_unresolve: 'Doing' },
      },
    };
    const api = setup({ config: orgConfig({ values }) });
    await renderCard(api);
    await user.click(await screen.findByLabelText('Add Azure DevOps Project'));
    expect(
      await screen.findByText('All projects configured'),
    ).toBeInTheDocument();

    // With one project left, a filter that matches nothing says so.
    api.getOrganizationConfig.mockResolvedValue(orgConfig());
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(screen.queryByText('Gamma')).not.toBeInTheDocument(),
    );
    await user.type(screen.getByLabelText('Add Azure DevOps Project'), 'zzz');
    expect(
      await screen.findByText('Could not find Azure DevOps project'),
    ).toBeInTheDocument();
  });

  it('refreshes the config from Azure DevOps', async () => {
    const user = userEvent.setup();
    const api = setup({});
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');
    expect(api.getOrganizationConfig).toHaveBeenCalledWith('org-1', undefined);

    const refreshed = orgConfig({
      fields: [
        mapperField({
          addDropdown: {
            ...mapperField().addDropdown,
            items: [
              ...mapperField().addDropdown.items,
              { value: 'p-delta', label: 'Delta' },
            ],
          },
        }),
        ...booleanFields,
      ],
    });
    api.getOrganizationConfig.mockResolvedValue(refreshed);
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(api.getOrganizationConfig).toHaveBeenLastCalledWith('org-1', {
      refresh: true,
    });
    await user.click(screen.getByLabelText('Add Azure DevOps Project'));
    expect(
      await screen.findByRole('option', { name: 'Delta' }),
    ).toBeInTheDocument();
  });

  it('keeps the settings visible when a refresh fails', async () => {
    const user = userEvent.setup();
    const api = setup({});
    await renderCard(api);
    await screen.findByText('Sync Backstage Status to Azure DevOps');
    api.getOrganizationConfig.mockImplementation(async () => {
      throw await responseError(502, 'Azure DevOps answered 503', 'Error');
    });
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(
      await screen.findByText(/Could not refresh the sync settings/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Sync Backstage Status to Azure DevOps'),
    ).toBeInTheDocument();
  });
});
