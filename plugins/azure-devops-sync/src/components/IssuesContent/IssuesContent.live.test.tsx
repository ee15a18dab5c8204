import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  EntityProvider,
  catalogApiRef,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import {
  ISSUE_CHANGED_SIGNAL_CHANNEL,
  type Issue,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  activity,
  entity,
  fabrikam,
  fakeApi,
  issue,
  workItemLink,
} from '../../testing/fixtures';
import { fakeSignals } from '../../__testUtils__/fakeSignals';
import { IssuesContent } from './IssuesContent';

jest.setTimeout(60_000);

const pending = issue({
  links: [
    workItemLink({
      workItemId: 42,
      sync: {
        status: 'pending',
        reason: 'HTTP 500 from Azure DevOps; next try at 2030-01-01T00:00:00Z',
        updatedAt: '2026-12-03T12:00:00Z',
      },
    }),
  ],
});
const failed = issue({
  links: [
    workItemLink({
      workItemId: 42,
      sync: {
        status: 'failed',
        reason: 'HTTP 500 from Azure DevOps',
        updatedAt: '2026-12-03T12:01:00Z',
      },
    }),
  ],
});

function apiListing(...answers: Issue[][]) {
  const api = fakeApi();
  api.listOrganizations.mockResolvedValue({ items: [fabrikam] });
  api.getIssueActivity.mockResolvedValue({ items: activity, nextCursor: null });
  for (const items of answers.slice(0, -1)) {
    api.listIssues.mockResolvedValueOnce({ items });
  }
  api.listIssues.mockResolvedValue({ items: answers[answers.length - 1] });
  return api;
}

async function render(
  api: ReturnType<typeof fakeApi>,
  signals?: ReturnType<typeof fakeSignals>,
) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
        [catalogApiRef, catalogApiMock()],
        ...(signals ? [[signalApiRef, signals.api] as const] : []),
      ]}
    >
      <EntityProvider entity={entity()}>
        <IssuesContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

async function openDrawer() {
  const user = userEvent.setup();
  await user.click(
    await screen.findByRole('button', { name: 'TypeError: x is undefined' }),
  );
  return within(
    await screen.findByRole('region', { name: 'TypeError: x is undefined' }),
  );
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

describe('IssuesContent live updates', () => {
  it('refetches the table, the open drawer and its activity when a signal names the entity', async () => {
    const signals = fakeSignals();
    const api = apiListing([pending], [failed]);
    await render(api, signals);
    const drawer = await openDrawer();
    expect(drawer.getByText('Pending')).toBeInTheDocument();
    await waitFor(() => expect(api.getIssueActivity).toHaveBeenCalledTimes(1));
    expect(signals.subscribers(ISSUE_CHANGED_SIGNAL_CHANNEL)).toBeGreaterThan(
      0,
    );

    signals.publish(ISSUE_CHANGED_SIGNAL_CHANNEL, {
      issueId: 'i1',
      entityRef: 'component:default/web',
    });
    await waitFor(
      () => expect(drawer.getByText('Failed')).toBeInTheDocument(),
      {
        timeout: 1000,
      },
    );
    expect(drawer.getByText('HTTP 500 from Azure DevOps')).toBeInTheDocument();
    // The table behind the drawer shows it too.
    expect(
      within(screen.getByRole('table', { hidden: true })).getByText('Failed'),
    ).toBeInTheDocument();
    expect(api.listIssues).toHaveBeenCalledTimes(2);
    await waitFor(() =>
      expect(api.getIssueActivity.mock.calls.length).toBeGreaterThanOrEqual(2),
    );
  });

  it('keeps the open issue current after it left the filtered list', async () => {
    const signals = fakeSignals();
    // Resolved: the "Unresolved" list no longer holds it.
    const api = apiListing([pending], []);
    api.getIssue.mockResolvedValue({ ...failed, status: 'resolved' });
    await render(api, signals);
    const drawer = await openDrawer();
    signals.publish(ISSUE_CHANGED_SIGNAL_CHANNEL, {
      issueId: 'i1',
      entityRef: 'component:default/web',
    });
    await waitFor(() => expect(drawer.getByText('Failed')).toBeInTheDocument());
    expect(api.getIssue).toHaveBeenCalledWith('i1');
  });

  it('without signals, polls the open issue while it is pending and out of the list', async () => {
    const api = apiListing([pending], []);
    api.getIssue
      .mockResolvedValueOnce({ ...pending, status: 'resolved' })
      .mockResolvedValue({ ...failed, status: 'resolved' });
    await render(api);
    const drawer = await openDrawer();
    // The list is polled while it holds a pending change; then the issue itself.
    await waitFor(
      () => expect(drawer.getByText('Failed')).toBeInTheDocument(),
      {
        timeout: 10_000,
      },
    );
    expect(api.getIssue).toHaveBeenCalledTimes(2);
    await sleep(2500);
    expect(api.getIssue).toHaveBeenCalledTimes(2);
  });

  it('reloads the activity of the open issue on its signal, even when the issue is unchanged', async () => {
    const signals = fakeSignals();
    const api = apiListing([issue()]);
    await render(api, signals);
    await openDrawer();
    await waitFor(() => expect(api.getIssueActivity).toHaveBeenCalledTimes(1));
    signals.publish(ISSUE_CHANGED_SIGNAL_CHANNEL, {
      issueId: 'i1',
      entityRef: 'component:default/web',
    });
    await waitFor(() => expect(api.getIssueActivity).toHaveBeenCalledTimes(2));
  });

  it('ignores signals about other entities, and does not poll when signals work', async () => {
    const signals = fakeSignals();
    const api = apiListing([pending]);
    await render(api, signals);
    expect(await screen.findByText('Pending')).toBeInTheDocument();
    signals.publish(ISSUE_CHANGED_SIGNAL_CHANNEL, {
      issueId: 'other',
      entityRef: 'component:default/payments-api',
    });
    await sleep(2500);
    expect(api.listIssues).toHaveBeenCalledTimes(1);
  });

  it('without the signals plugin, polls every 2 s while a change is pending and stops after', async () => {
    const api = apiListing([pending], [pending], [failed]);
    await render(api);
    expect(await screen.findByText('Pending')).toBeInTheDocument();
    expect(api.listIssues).toHaveBeenCalledTimes(1);
    await waitFor(
      () => expect(screen.getByText('Failed')).toBeInTheDocument(),
      {
        timeout: 7000,
      },
    );
    expect(api.listIssues).toHaveBeenCalledTimes(3);
    // Nothing pending any more: no further reads.
    await sleep(2500);
    expect(api.listIssues).toHaveBeenCalledTimes(3);
  });

  it('without the signals plugin, does not poll when nothing is pending', async () => {
    const api = apiListing([issue()]);
    await render(api);
    expect(await screen.findByText('Synced')).toBeInTheDocument();
    await sleep(2500);
    expect(api.listIssues).toHaveBeenCalledTimes(1);
  });
});
