import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import {
  azureDevOpsSyncOrganizationCreatePermission,
  type Delivery,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  contoso,
  fabrikam,
  fakeApi as baseFakeApi,
  job,
  responseError,
} from '../../testing/fixtures';
import { AdminPage } from './AdminPage';

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

function fakeApi() {
  const api = baseFakeApi();
  api.listJobs.mockResolvedValue({ items: [] });
  return api;
}

// MUI + user-event interactions are slow in jsdom on a busy 2-core machine.
jest.setTimeout(30_000);

describe('AdminPage', () => {
  it('lists organizations with their health and failed deliveries', async () => {
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({
      items: [
        fabrikam,
        {
          ...contoso,
          subscription: { id: null, status: 'missing', lastCheckedAt: null },
        },
      ],
    });
    api.listDeliveries.mockImplementation(async (orgId: string) => ({
      items: orgId === 'org-1' ? [failed] : [],
    }));
    await renderPage(api);

    const table = await screen.findByRole('table', {
      name: 'Connected organizations',
    });
    expect(within(table).getByText('fabrikam')).toBeInTheDocument();
    expect(within(table).getByText('Enabled')).toBeInTheDocument();
    expect(within(table).getByText('Missing')).toBeInTheDocument();

    expect(
      await screen.findByText('Work item states could not be read'),
    ).toBeInTheDocument();
    // contoso has none; every status is listed, to filter in the table.
    expect(screen.getByText(/No deliveries yet/)).toBeInTheDocument();
    expect(api.listDeliveries).toHaveBeenCalledWith('org-1', undefined);
    expect(screen.getByRole('link', { name: /^#42/ })).toHaveAttribute(
      'href',
      'https://dev.azure.com/fabrikam/_workitems/edit/42',
    );
    expect(screen.getByText('fabrikam · 1 failed of 1')).toBeInTheDocument();
  });

  it('shows an empty state with no organizations', async () => {
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [] });
    await renderPage(api);
    expect(
      await screen.findByText('No organization connected'),
    ).toBeInTheDocument();
  });

  it('connects an organization and reloads the list', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listOrganizations
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValue({ items: [fabrikam] });
    api.listDeliveries.mockResolvedValue({ items: [] });
    api.connectOrganization.mockResolvedValue(fabrikam);
    await renderPage(api);

    await user.type(
      await screen.findByLabelText('Organization name or URL'),
      ' https://dev.azure.com/fabrikam ',
    );
    await user.click(
      screen.getByRole('button', { name: 'Connect organization' }),
    );
    await waitFor(() =>
      expect(api.connectOrganization).toHaveBeenCalledWith({
        name: 'https://dev.azure.com/fabrikam',
      }),
    );
    expect(await screen.findByText('Connected fabrikam.')).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Connected organizations' }),
    ).toBeInTheDocument();
  });

  it('shows the server error when connecting fails', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [] });
    api.connectOrganization.mockImplementation(async () => {
      throw await responseError(400, 'Organization "nope" does not exist');
    });
    await renderPage(api);
    await user.type(
      await screen.findByLabelText('Organization name or URL'),
      'nope',
    );
    await user.click(
      screen.getByRole('button', { name: 'Connect organization' }),
    );
    expect(
      await screen.findByText(
        'Could not connect: Organization "nope" does not exist',
      ),
    ).toBeInTheDocument();
  });

  it('replays a failed delivery', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.listDeliveries
      .mockResolvedValueOnce({ items: [failed] })
      .mockResolvedValue({ items: [] });
    api.replayDelivery.mockResolvedValue(undefined);
    await renderPage(api);

    await user.click(
      await screen.findByRole('button', { name: 'Replay delivery d1' }),
    );
    expect(api.replayDelivery).toHaveBeenCalledWith('d1');
    expect(
      await screen.findByText('Delivery d1 queued for replay.'),
    ).toBeInTheDocument();
    expect(await screen.findByText(/No deliveries yet/)).toBeInTheDocument();
  });

  it('copes with a backend that has no delivery log yet', async () => {
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.listDeliveries.mockImplementation(async () => {
      throw await responseError(404, 'Not found', 'NotFoundError');
    });
    await renderPage(api);
    expect(
      await screen.findByText(
        /The delivery log is not available from the backend yet/,
      ),
    ).toBeInTheDocument();
  });

  it('shows the outbound jobs next to the deliveries and replays one', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
    api.listDeliveries.mockResolvedValue({ items: [] });
    api.listJobs
      .mockResolvedValueOnce({ items: [job()] })
      .mockResolvedValue({ items: [] });
    api.replayJob.mockResolvedValue(undefined);
    await renderPage(api);
    expect(await screen.findByText('Outbound jobs')).toBeInTheDocument();
    expect(api.listJobs).toHaveBeenCalledWith('org-1', undefined);
    await user.click(
      await screen.findByRole('button', { name: 'Replay job j1' }),
    );
    expect(api.replayJob).toHaveBeenCalledWith('j1');
    expect(
      await screen.findByText('Job j1 queued for replay.'),
    ).toBeInTheDocument();
    await waitFor(() => expect(api.listJobs).toHaveBeenCalledTimes(2));
    expect(
      await screen.findByText(/No outbound jobs yet/, {}, { timeout: 5000 }),
    ).toBeInTheDocument();
  });
});
