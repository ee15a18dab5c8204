import { renderInTestApp } from '@backstage/test-utils';
import { act, screen } from '@testing-library/react';
import { workItemLink } from '../../testing/fixtures';
import { LinkSyncState } from './LinkSyncState';

const state = () => screen.getByTestId('sync-state-org-1-50');
const reason = () => screen.queryByTestId('sync-reason-org-1-50');

describe('LinkSyncState', () => {
  afterEach(() => jest.useRealTimers());

  it('shows Synced with no reason', async () => {
    await renderInTestApp(<LinkSyncState link={workItemLink()} />);
    expect(state()).toHaveTextContent('Synced');
    expect(reason()).toBeNull();
  });

  it('shows Pending with the last error and a countdown to the next try', async () => {
    jest.useFakeTimers({ now: Date.parse('2026-12-03T12:00:00Z') });
    const link = workItemLink({
      sync: {
        status: 'pending',
        reason:
          'HTTP 500 from Azure DevOps; next try at 2026-12-03T12:00:05.000Z',
        updatedAt: '2026-12-03T11:59:59Z',
      },
    });
    await renderInTestApp(<LinkSyncState link={link} />);
    expect(state()).toHaveTextContent('Pending');
    expect(reason()).toHaveTextContent(
      'HTTP 500 from Azure DevOps · next try in 5 s',
    );
    act(() => {
      jest.advanceTimersByTime(3000);
    });
    expect(reason()).toHaveTextContent('next try in 2 s');
    act(() => {
      jest.advanceTimersByTime(3000);
    });
    expect(reason()).toHaveTextContent('next try now');
  });

  it('shows a queued change that has not failed yet as being sent', async () => {
    const link = workItemLink({
      sync: { status: 'pending', updatedAt: '2026-12-03T11:59:59Z' },
    });
    await renderInTestApp(<LinkSyncState link={link} />);
    expect(state()).toHaveTextContent('Pending');
    expect(reason()).toHaveTextContent('Being sent to Azure DevOps');
  });

  it('shows Failed with the error', async () => {
    const link = workItemLink({
      sync: {
        status: 'failed',
        reason: 'TF401320: Rule Error for field Reason',
        updatedAt: '2026-12-03T12:00:00Z',
      },
    });
    await renderInTestApp(<LinkSyncState link={link} />);
    expect(state()).toHaveTextContent('Failed');
    expect(reason()).toHaveTextContent('TF401320: Rule Error for field Reason');
  });

  it('shows Skipped with the rule that skipped it', async () => {
    const link = workItemLink({
      sync: {
        status: 'skipped',
        reason: 'No status mapping for project Payments',
        updatedAt: '2026-12-03T12:00:00Z',
      },
    });
    await renderInTestApp(<LinkSyncState link={link} />);
    expect(state()).toHaveTextContent('Skipped');
    expect(reason()).toHaveTextContent(
      'No status mapping for project Payments · change it on the Azure DevOps Sync card (Overview tab), then Retry',
    );
  });

  it('shows a broken link as deleted in Azure DevOps, whatever its last sync', async () => {
    const link = workItemLink({
      broken: true,
      sync: {
        status: 'failed',
        reason: 'HTTP 404',
        updatedAt: '2026-12-03T12:00:00Z',
      },
    });
    await renderInTestApp(<LinkSyncState link={link} />);
    expect(state()).toHaveTextContent('Deleted in Azure DevOps');
    expect(reason()).toHaveTextContent('Changes are no longer synced to it.');
  });

  it('says nothing for a backend without sync states', async () => {
    const { sync: _omitted, ...link } = workItemLink();
    await renderInTestApp(
      <LinkSyncState link={link as ReturnType<typeof workItemLink>} />,
    );
    expect(screen.queryByTestId('sync-state-org-1-50')).toBeNull();
  });
});
