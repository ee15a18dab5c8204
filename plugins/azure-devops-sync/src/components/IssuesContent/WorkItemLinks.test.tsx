import { alertApiRef } from '@backstage/core-plugin-api';
import { TestApiProvider, renderInTestApp } from '@backstage/test-utils';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  fakeApi,
  issue,
  responseError,
  workItemLink,
} from '../../testing/fixtures';
import { WorkItemLinks } from './WorkItemLinks';

jest.setTimeout(60_000);

const failed = workItemLink({
  workItemId: 44,
  sync: {
    status: 'failed',
    reason: 'HTTP 503 from Azure DevOps',
    updatedAt: '2026-12-03T12:00:00Z',
  },
});
const skipped = workItemLink({
  workItemId: 45,
  sync: {
    status: 'skipped',
    reason: 'No status mapping for project Alpha',
    updatedAt: '2026-12-03T12:00:00Z',
  },
});
const deleted = workItemLink({ workItemId: 46, broken: true });
const synced = workItemLink({ workItemId: 47 });
const subject = issue({ links: [failed, skipped, deleted, synced] });

function alertApi() {
  return { post: jest.fn(), alert$: jest.fn() };
}

async function render(options: {
  api: ReturnType<typeof fakeApi>;
  alerts?: ReturnType<typeof alertApi>;
  canUpdate?: boolean;
  compact?: boolean;
  onChange?: jest.Mock;
}) {
  const onChange = options.onChange ?? jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, options.api],
        [alertApiRef, options.alerts ?? alertApi()],
      ]}
    >
      <WorkItemLinks
        issue={subject}
        canUpdate={options.canUpdate ?? true}
        compact={options.compact}
        onChange={onChange}
      />
    </TestApiProvider>,
  );
  return { onChange, user: userEvent.setup() };
}

const row = (id: number) => within(screen.getByTestId(`work-item-org-1-${id}`));

describe('WorkItemLinks', () => {
  it('offers Retry for failed and skipped changes only, Unlink for each link', async () => {
    await render({ api: fakeApi() });
    expect(
      row(44).getByRole('button', { name: 'Retry work item #44' }),
    ).toBeInTheDocument();
    expect(
      row(45).getByRole('button', { name: 'Retry work item #45' }),
    ).toBeInTheDocument();
    expect(row(46).queryByRole('button', { name: /Retry/ })).toBeNull();
    expect(row(47).queryByRole('button', { name: /Retry/ })).toBeNull();
    for (const id of [44, 45, 46, 47]) {
      expect(
        row(id).getByRole('button', { name: `Unlink work item #${id}` }),
      ).toBeInTheDocument();
    }
  });

  it('in the table, offers Unlink only for work items deleted in Azure DevOps', async () => {
    await render({ api: fakeApi(), compact: true });
    expect(
      row(46).getByRole('button', { name: 'Unlink work item #46' }),
    ).toBeInTheDocument();
    expect(row(47).queryByRole('button', { name: /Unlink/ })).toBeNull();
    expect(row(44).queryByRole('button', { name: /Unlink/ })).toBeNull();
    expect(
      row(44).getByRole('button', { name: 'Retry work item #44' }),
    ).toBeInTheDocument();
  });

  it('hides Retry and Unlink without the update permission, but keeps the states', async () => {
    await render({ api: fakeApi(), canUpdate: false });
    expect(screen.queryByRole('button')).toBeNull();
    expect(row(44).getByText('Failed')).toBeInTheDocument();
    expect(row(44).getByText('HTTP 503 from Azure DevOps')).toBeInTheDocument();
    expect(row(45).getByText('Skipped')).toBeInTheDocument();
    expect(row(46).getByText('Deleted in Azure DevOps')).toBeInTheDocument();
    expect(row(47).getByText('Synced')).toBeInTheDocument();
  });

  it('retries a failed change and hands on the issue the backend returns', async () => {
    const api = fakeApi();
    const retried = issue({
      links: [
        {
          ...failed,
          sync: { status: 'pending', updatedAt: '2026-12-03T12:01:00Z' },
        },
      ],
    });
    api.retryLink.mockResolvedValue(retried);
    const alerts = alertApi();
    const { user, onChange } = await render({ api, alerts });
    await user.click(
      row(44).getByRole('button', { name: 'Retry work item #44' }),
    );
    expect(api.retryLink).toHaveBeenCalledWith('i1', 'org-1', 44);
    await waitFor(() => expect(onChange).toHaveBeenCalledWith(retried));
    expect(alerts.post).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'success',
        message: 'Sending the change to work item #44 again',
      }),
    );
  });

  it('shows why a retry was refused under the link', async () => {
    const api = fakeApi();
    api.retryLink.mockImplementation(async () => {
      throw await responseError(
        409,
        'Nothing to retry for #44',
        'ConflictError',
      );
    });
    const { user, onChange } = await render({ api });
    await user.click(
      row(44).getByRole('button', { name: 'Retry work item #44' }),
    );
    expect(await row(44).findByRole('alert')).toHaveTextContent(
      'Nothing to retry for #44',
    );
    expect(onChange).not.toHaveBeenCalled();
  });

  it('in the table, announces a refused retry as an error alert', async () => {
    const api = fakeApi();
    api.retryLink.mockImplementation(async () => {
      throw await responseError(
        409,
        'Nothing to retry for #44',
        'ConflictError',
      );
    });
    const alerts = alertApi();
    const { user } = await render({ api, alerts, compact: true });
    await user.click(
      row(44).getByRole('button', { name: 'Retry work item #44' }),
    );
    await waitFor(() =>
      expect(alerts.post).toHaveBeenCalledWith({
        severity: 'error',
        message: 'Could not retry work item #44: Nothing to retry for #44',
      }),
    );
  });

  it('unlinks a deleted work item after confirming', async () => {
    const api = fakeApi();
    api.unlinkWorkItem.mockResolvedValue(undefined);
    const alerts = alertApi();
    const { user, onChange } = await render({ api, alerts });
    await user.click(
      row(46).getByRole('button', { name: 'Unlink work item #46' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Unlink work item #46?');
    expect(dialog).toHaveTextContent('It was already deleted in Azure DevOps.');
    expect(api.unlinkWorkItem).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Unlink' }));
    expect(api.unlinkWorkItem).toHaveBeenCalledWith('i1', 'org-1', 46);
    await waitFor(() => expect(onChange).toHaveBeenCalled());
    expect(
      onChange.mock.calls[0][0].links.map(
        (l: { workItemId: number }) => l.workItemId,
      ),
    ).toEqual([44, 45, 47]);
    expect(alerts.post).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'success',
        message: 'Unlinked work item #46',
      }),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('keeps the link when the unlink is cancelled', async () => {
    const api = fakeApi();
    const { user, onChange } = await render({ api });
    await user.click(
      row(47).getByRole('button', { name: 'Unlink work item #47' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('Nothing is deleted in Azure DevOps.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(api.unlinkWorkItem).not.toHaveBeenCalled();
    expect(onChange).not.toHaveBeenCalled();
  });

  it('shows a refused unlink', async () => {
    const api = fakeApi();
    api.unlinkWorkItem.mockImplementation(async () => {
      throw await responseError(
        404,
        'Work item #46 is not linked',
        'NotFoundError',
      );
    });
    const { user, onChange } = await render({ api });
    await user.click(
      row(46).getByRole('button', { name: 'Unlink work item #46' }),
    );
    await user.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Unlink',
      }),
    );
    expect(await row(46).findByRole('alert')).toHaveTextContent(
      'Work item #46 is not linked',
    );
    expect(onChange).not.toHaveBeenCalled();
  });
});
