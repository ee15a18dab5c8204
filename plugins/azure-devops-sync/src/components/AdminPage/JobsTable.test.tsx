import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  TestApiProvider,
  mockApis,
  renderInTestApp,
} from '@backstage/test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { azureDevOpsSyncApiRef } from '../../api';
import {
  fabrikam,
  fakeApi,
  issue,
  job,
  responseError,
} from '../../testing/fixtures';
import { describeJob } from './describeJob';
import { JobsTable } from './JobsTable';

async function renderTable(api: ReturnType<typeof fakeApi>) {
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
      <JobsTable organization={fabrikam} />
    </TestApiProvider>,
  );
}

/** The body rows of the table, as their cells' text. */
function bodyRows() {
  return screen
    .getAllByRole('row')
    .filter(r => within(r).queryAllByRole('cell').length > 3)
    .map(r =>
      within(r)
        .getAllByRole('cell')
        .map(c => c.textContent?.replace(', Opens in a new window', '')),
    );
}

// Newest first, as the backend lists them.
const jobs = Array.from({ length: 7 }, (_, n) => 6 - n).map(i =>
  job({
    id: `j${i + 1}`,
    workItemId: 40 + i,
    status: i === 0 ? 'failed' : 'done',
    lastError: i === 0 ? 'TF401320: Rule Error for field Reason' : null,
    outcome: i === 0 ? null : 'State set',
    createdAt: `2026-11-26T09:0${i}:00Z`,
    issueId: i === 0 ? 'i1' : null,
  }),
);

jest.setTimeout(60_000);

describe('JobsTable', () => {
  it('lists every job newest first, five a page, linked to its issue and work item', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs.mockResolvedValue({ items: jobs });
    api.getIssue.mockResolvedValue(
      issue({
        id: 'i1',
        shortId: 'WEB-1',
        entityRef: 'component:default/web',
      }),
    );
    await renderTable(api);
    await screen.findByText('Outbound jobs');
    expect(api.listJobs).toHaveBeenCalledWith('org-1', undefined);
    expect(screen.getByText('fabrikam · 1 failed of 7')).toBeInTheDocument();

    // Newest first: j7 (09:06) … j3 on the first page.
    expect(bodyRows().map(r => r[2])).toEqual([
      '#46',
      '#45',
      '#44',
      '#43',
      '#42',
    ]);
    await user.click(screen.getByRole('button', { name: /next page/i }));
    expect(bodyRows().map(r => r[2])).toEqual(['#41', '#40']);

    const link = await screen.findByRole('link', { name: 'WEB-1' });
    expect(link).toHaveAttribute(
      'href',
      '/catalog/default/component/web/azure-devops-issues?issue=i1',
    );
    expect(screen.getByRole('link', { name: /^#40/ })).toHaveAttribute(
      'href',
      'https://dev.azure.com/fabrikam/_workitems/edit/40',
    );
    expect(
      screen.getByText('TF401320: Rule Error for field Reason'),
    ).toBeInTheDocument();
    expect(api.getIssue).toHaveBeenCalledTimes(1);
  });

  it('sorts by a column and filters by status', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs.mockResolvedValue({ items: jobs });
    api.getIssue.mockRejectedValue(new Error('gone'));
    await renderTable(api);
    await screen.findByText('Outbound jobs');

    await user.click(screen.getByRole('button', { name: 'Work item' }));
    await waitFor(() => expect(bodyRows()[0][2]).toBe('#40'));

    await user.click(screen.getByRole('button', { name: 'filter list' }));
    const statusFilter = await screen.findByLabelText('Status');
    // MUI's select opens on mouse down.
    fireEvent.mouseDown(within(statusFilter).getByRole('button'));
    await user.click(await screen.findByRole('option', { name: /failed/ }));
    await user.keyboard('{Escape}');
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(bodyRows()[0][4]).toBe('failed6 tries');
    // An issue that cannot be read shows its id.
    expect(bodyRows()[0][1]).toBe('i1');
  });

  it('replays a failed job and reloads', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs
      .mockResolvedValueOnce({ items: [job()] })
      .mockResolvedValue({ items: [] });
    api.getIssue.mockRejectedValue(new Error('gone'));
    api.replayJob.mockResolvedValue(undefined);
    await renderTable(api);
    await user.click(
      await screen.findByRole('button', { name: 'Replay job j1' }),
    );
    expect(api.replayJob).toHaveBeenCalledWith('j1');
    expect(
      await screen.findByText('Job j1 queued for replay.'),
    ).toBeInTheDocument();
    expect(await screen.findByText(/No outbound jobs yet/)).toBeInTheDocument();
  });

  it('shows the server message when a replay is refused', async () => {
    const user = userEvent.setup();
    const api = fakeApi();
    api.listJobs.mockResolvedValue({ items: [job()] });
    api.getIssue.mockRejectedValue(new Error('gone'));
    api.replayJob.mockImplementation(async () => {
      throw await responseError(
        409,
        'Job j1 is pending; only failed jobs can be replayed',
        'ConflictError',
      );
    });
    await renderTable(api);
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
    await renderTable(api);
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
