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
import { fabrikam, fakeApi, job, responseError } from '../../testing/fixtures';
import { JobsPanel, describeJob } from './JobsPanel';

async function renderPanel(api: ReturnType<typeof fakeApi>) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [azureDevOpsSyncApiRef, api],
        [
          permissionApiRef,
          mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ],
      ]}
    >
      <JobsPanel organization={fabrikam} />
    </TestApiProvider>,
  );
}

jest.setTimeout(60_000);

describe('JobsPanel', () => {
  it('lists failed jobs by default with their error', async () => {
    const api = fakeApi();
    api.listJobs.mockResolvedValue({ items: [job()] });
    await renderPanel(api);
    const table = await screen.findByRole('table', {
      name: 'Outbound jobs of fabrikam',
    });
    expect(api.listJobs).toHaveBeenCalledWith('org-1', 'failed');
    expect(within(table).getByText('#42')).toBeInTheDocument();
    expect(
      within(table).getByText('Set the state for resolved'),
    ).toBeInTheDocument();
    expect(
      within(table).getByText('TF401320: Rule Error for field Reason'),
    ).toBeInTheDocument();
    expect(
      within(table).getByRole('button', { name: 'Replay job j1' }),
    ).toBeInTheDocument();
  });

  it('filters by status and shows outcomes, without replay for finished jobs', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs.mockImplementation(async (_org: string, status?: string) => ({
      items:
        status === 'skipped'
          ? [
              job({
                id: 'j2',
                status: 'skipped',
                lastError: null,
                outcome: 'comment sync is off',
                payload: {
                  kind: 'comment',
                  text: 'hello',
                  authorName: 'Alice',
                },
              }),
            ]
          : [],
    }));
    await renderPanel(api);
    expect(await screen.findByText('No failed jobs.')).toBeInTheDocument();
    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Job status' }),
      'Skipped',
    );
    expect(await screen.findByText('comment sync is off')).toBeInTheDocument();
    expect(screen.getByText('Comment by Alice')).toBeInTheDocument();
    expect(api.listJobs).toHaveBeenLastCalledWith('org-1', 'skipped');
    expect(screen.queryByRole('button', { name: /Replay/ })).toBeNull();

    await user.selectOptions(
      screen.getByRole('combobox', { name: 'Job status' }),
      'All',
    );
    await waitFor(() =>
      expect(api.listJobs).toHaveBeenLastCalledWith('org-1', undefined),
    );
    expect(await screen.findByText('No outbound jobs.')).toBeInTheDocument();
  });

  it('replays a failed job and reloads', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs
      .mockResolvedValueOnce({ items: [job()] })
      .mockResolvedValue({ items: [] });
    api.replayJob.mockResolvedValue(undefined);
    await renderPanel(api);
    await user.click(
      await screen.findByRole('button', { name: 'Replay job j1' }),
    );
    expect(api.replayJob).toHaveBeenCalledWith('j1');
    expect(
      await screen.findByText('Job j1 queued for replay.'),
    ).toBeInTheDocument();
    expect(await screen.findByText('No failed jobs.')).toBeInTheDocument();
  });

  it('shows the server message when a replay is refused', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs.mockResolvedValue({ items: [job()] });
    api.replayJob.mockImplementation(async () => {
      throw await responseError(
        409,
        'Job j1 is pending; only failed jobs can be replayed',
        'ConflictError',
      );
    });
    await renderPanel(api);
    await user.click(
      await screen.findByRole('button', { name: 'Replay job j1' }),
    );
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Job j1 is pending; only failed jobs can be replayed',
    );
  });

  it('copes with a backend without the job log', async () => {
    const api = fakeApi();
    api.listJobs.mockImplementation(async () => {
      throw await responseError(404, 'Not found', 'NotFoundError');
    });
    await renderPanel(api);
    expect(
      await screen.findByText(/outbound job log is not available/),
    ).toBeInTheDocument();
  });

  it('describes each kind of change', () => {
    expect(
      describeJob(job({ payload: { kind: 'assignee', userEntityRef: null } })),
    ).toBe('Unassign');
    expect(
      describeJob(
        job({
          payload: { kind: 'assignee', userEntityRef: 'user:default/bob' },
        }),
      ),
    ).toBe('Assign to user:default/bob');
  });
});
