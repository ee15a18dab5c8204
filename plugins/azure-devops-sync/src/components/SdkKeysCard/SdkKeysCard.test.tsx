import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import { entity, fakeApi, responseError } from '../../testing/fixtures';
import { SdkKeysCard } from './SdkKeysCard';
import { ENTITY_REF, apiKey, configKey, sdkKey } from './testKeys';

type Api = ReturnType<typeof fakeApi>;

async function renderCard(api: Api) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      ]}
    >
      <EntityProvider entity={entity()}>
        <SdkKeysCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return userEvent.setup();
}

function row(publicKey: string) {
  return within(screen.getByTestId(`sdk-key-${publicKey}`));
}

describe('SdkKeysCard', () => {
  it("lists the entity's keys: DSN, copy button, source and creation", async () => {
    const api = fakeApi();
    api.listSdkKeys.mockResolvedValue({ items: [configKey, apiKey] });
    await renderCard(api);

    await screen.findByText(apiKey.dsn, { exact: false, selector: 'span' });
    expect(api.listSdkKeys).toHaveBeenCalledWith(ENTITY_REF);
    const list = screen.getByRole('list', { name: 'DSNs' });
    expect(within(list).getAllByRole('listitem')).toHaveLength(2);

    const config = row(configKey.publicKey);
    expect(config.getByText(configKey.dsn)).toBeInTheDocument();
    expect(config.getByText('app-config')).toBeInTheDocument();
    expect(
      config.getByRole('button', { name: 'Copy the DSN c0ffee00…' }),
    ).toBeInTheDocument();

    const created = row(apiKey.publicKey);
    expect(created.getByText('API')).toBeInTheDocument();
    expect(screen.getByTestId(`sdk-key-${apiKey.publicKey}`)).toHaveTextContent(
      /Created .+ by alice/,
    );
    expect(
      created.getByRole('button', { name: 'Copy the DSN a1b2c3d4…' }),
    ).toBeInTheDocument();
    // The how-to uses the first DSN.
    expect(screen.getByLabelText('Sentry setup')).toHaveTextContent(
      `dsn: '${configKey.dsn}'`,
    );
  });

  it('says so when the entity has no DSN yet', async () => {
    const api = fakeApi();
    api.listSdkKeys.mockResolvedValue({ items: [] });
    await renderCard(api);
    expect(await screen.findByText(/No DSN yet/)).toBeInTheDocument();
    expect(screen.queryByRole('list')).not.toBeInTheDocument();
  });

  it('creates a DSN and shows it, marked new, in the list and the how-to', async () => {
    const api = fakeApi();
    api.listSdkKeys.mockResolvedValue({ items: [configKey] });
    const created = sdkKey('feedbeeffeedbeeffeedbeeffeedbeef', {
      createdBy: 'user:default/guest',
    });
    api.createSdkKey.mockResolvedValue(created);
    const user = await renderCard(api);

    await user.click(await screen.findByRole('button', { name: 'Create DSN' }));

    expect(api.createSdkKey).toHaveBeenCalledWith(ENTITY_REF);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'New DSN created (feedbeef…)',
    );
    expect(row(created.publicKey).getByText(created.dsn)).toBeInTheDocument();
    expect(
      screen.getByTestId(`sdk-key-${created.publicKey}`),
    ).toHaveTextContent(/Created .+ by guest/);
    expect(screen.getByLabelText('Sentry setup')).toHaveTextContent(
      `dsn: '${created.dsn}'`,
    );
  });

  it('revokes an API key after the confirmation, not before', async () => {
    const api = fakeApi();
    api.listSdkKeys.mockResolvedValue({ items: [configKey, apiKey] });
    api.revokeSdkKey.mockResolvedValue(undefined);
    const user = await renderCard(api);

    await user.click(
      await screen.findByRole('button', { name: 'Revoke the DSN a1b2c3d4…' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Revoke the DSN a1b2c3d4…?');
    expect(api.revokeSdkKey).not.toHaveBeenCalled();

    // Cancel keeps the key.
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.revokeSdkKey).not.toHaveBeenCalled();

    await user.click(
      screen.getByRole('button', { name: 'Revoke the DSN a1b2c3d4…' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Revoke',
      }),
    );
    expect(api.revokeSdkKey).toHaveBeenCalledWith(apiKey.publicKey);
    expect(await screen.findByRole('status')).toHaveTextContent(
      'DSN a1b2c3d4… revoked',
    );
    expect(
      screen.queryByTestId(`sdk-key-${apiKey.publicKey}`),
    ).not.toBeInTheDocument();
    expect(screen.getByTestId(`sdk-key-${configKey.publicKey}`)).toBeVisible();
  });

  it('offers no revoke for an app-config key, and shows a 409 if it happens', async () => {
    const api = fakeApi();
    // The list says "api" but the server has it in app-config (changed since).
    const stale = sdkKey('0123456789abcdef0123456789abcdef');
    api.listSdkKeys.mockResolvedValue({ items: [configKey, stale] });
    api.revokeSdkKey.mockRejectedValue(
      await responseError(
        409,
        'This key is defined in app-config (azureDevOpsSync.sdkIngest.keys); remove it there',
        'ConflictError',
      ),
    );
    const user = await renderCard(api);

    await screen.findByTestId(`sdk-key-${configKey.publicKey}`);
    const config = row(configKey.publicKey);
    expect(config.queryByRole('button', { name: /Revoke/ })).toBeNull();
    expect(
      config.getByText(/Defined in app-config .*: remove it there/),
    ).toBeInTheDocument();

    await user.click(
      screen.getByRole('button', { name: 'Revoke the DSN 01234567…' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Revoke',
      }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not revoke the DSN 01234567…: This key is defined in app-config (azureDevOpsSync.sdkIngest.keys); remove it there',
    );
    // The key is still listed.
    expect(screen.getByTestId(`sdk-key-${stale.publicKey}`)).toBeVisible();
  });

  it("shows the server's message when creating fails", async () => {
    const api = fakeApi();
    api.listSdkKeys.mockResolvedValue({ items: [] });
    api.createSdkKey.mockRejectedValue(
      await responseError(500, 'database is locked', 'Error'),
    );
    const user = await renderCard(api);

    await user.click(await screen.findByRole('button', { name: 'Create DSN' }));

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Could not create a DSN: database is locked',
    );
    expect(screen.getByText(/No DSN yet/)).toBeInTheDocument();
  });

  it('shows a failed list (403) as an error panel, with no create button', async () => {
    const api = fakeApi();
    api.listSdkKeys.mockRejectedValue(
      await responseError(
        403,
        'You are not allowed to list SDK keys',
        'NotAllowedError',
      ),
    );
    await renderCard(api);

    expect(
      await screen.findByText('Could not load the DSNs', { exact: false }),
    ).toBeInTheDocument();
    expect(
      screen.getAllByText(/You are not allowed to list SDK keys/)[0],
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create DSN' })).toBeDisabled();
  });
});
