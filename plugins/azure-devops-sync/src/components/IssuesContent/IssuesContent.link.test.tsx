import { alertApiRef } from '@backstage/core-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  activity,
  entity,
  fabrikam,
  fakeApi,
  issue,
  responseError,
} from '../../testing/fixtures';
import { IssuesContent } from './IssuesContent';

jest.setTimeout(60_000);

function Location() {
  return <div data-testid="location">{useLocation().search}</div>;
}

async function render(api: ReturnType<typeof fakeApi>, search: string) {
  const alerts = { post: jest.fn(), alert$: jest.fn() };
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
        [catalogApiRef, catalogApiMock()],
        [alertApiRef, alerts],
      ]}
    >
      <EntityProvider entity={entity()}>
        <IssuesContent />
        <Location />
      </EntityProvider>
    </TestApiProvider>,
    {
      routeEntries: [`/${search}`],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return alerts;
}

function apiWith(items = [issue()]) {
  const api = fakeApi();
  api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
  api.listIssues.mockResolvedValue({ items });
  api.getIssueActivity.mockResolvedValue({ items: activity, nextCursor: null });
  return api;
}

describe('IssuesContent and the ?issue= link', () => {
  it('opens the issue a link names, and forgets it on close', async () => {
    const api = apiWith();
    await render(api, '?issue=i1');
    const drawer = await screen.findByRole('region', {
      name: 'TypeError: x is undefined',
    });
    await userEvent.click(
      within(drawer).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent(/^$/),
    );
    expect(
      screen.queryByRole('region', { name: 'TypeError: x is undefined' }),
    ).toBeNull();
  });

  it('opens a linked issue the filtered list does not hold', async () => {
    const api = apiWith([]);
    api.getIssue.mockResolvedValue(
      issue({ id: 'i7', title: 'Resolved long ago', status: 'resolved' }),
    );
    await render(api, '?issue=i7');
    expect(
      await screen.findByRole('region', { name: 'Resolved long ago' }),
    ).toBeInTheDocument();
    expect(api.getIssue).toHaveBeenCalledWith('i7');
  });

  it('puts the opened issue in the URL', async () => {
    const api = apiWith();
    await render(api, '');
    await userEvent.click(
      await screen.findByRole('button', { name: 'TypeError: x is undefined' }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('location')).toHaveTextContent('?issue=i1'),
    );
  });

  it('says so when the linked issue does not exist', async () => {
    const api = apiWith([]);
    api.getIssue.mockImplementation(async () => {
      throw await responseError(404, 'No issue i9', 'NotFoundError');
    });
    const alerts = await render(api, '?issue=i9');
    await waitFor(() =>
      expect(alerts.post).toHaveBeenCalledWith({
        message: 'Issue i9 was not found',
        severity: 'warning',
      }),
    );
    expect(screen.getByTestId('location')).toHaveTextContent(/^$/);
    expect(screen.queryByRole('region')).toBeNull();
  });
});
