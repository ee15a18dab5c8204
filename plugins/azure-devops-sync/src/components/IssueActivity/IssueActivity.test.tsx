import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { renderInTestApp } from '@backstage/test-utils';
import type { ActivityItem } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { IssueActivity } from './IssueActivity';

const ado = {
  kind: 'azure-devops' as const,
  organizationId: 'org-1',
  workItemId: 42,
  revision: 9,
};

function render(items?: ActivityItem[], extra: { error?: Error } = {}) {
  return renderInTestApp(
    <IssueActivity items={items} loading={false} error={extra.error} />,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('IssueActivity', () => {
  it('names the person who made a change in Azure DevOps: the catalog user, else their ADO name', async () => {
    await render([
      {
        id: 'a1',
        type: 'set_resolved',
        createdAt: '2026-11-26T00:01:00Z',
        source: { ...ado, actor: { userEntityRef: 'user:default/alice' } },
        data: {},
      },
      {
        id: 'a2',
        type: 'comment',
        createdAt: '2026-11-26T00:02:00Z',
        source: { ...ado, actor: { displayName: 'Carol White' } },
        data: { text: 'On it', author: 'carol@example.com' },
      },
      {
        id: 'a3',
        type: 'linked',
        createdAt: '2026-11-26T00:03:00Z',
        source: { kind: 'system' },
        data: {
          workItemId: 5,
          displayName: 'Payments#5',
          title: 'Refunds fail',
        },
      },
    ]);
    expect(screen.getByTestId('activity-a1')).toHaveTextContent(
      'alice in Azure DevOps (#42) resolved the issue',
    );
    expect(screen.getByTestId('activity-a2')).toHaveTextContent(
      'Carol White in Azure DevOps (#42) commented',
    );
    expect(screen.getByTestId('activity-a2')).not.toHaveTextContent('rev');
    expect(screen.getByTestId('activity-a2')).not.toHaveTextContent(
      'carol@example.com',
    );
    expect(screen.getByTestId('activity-a3')).toHaveTextContent(
      'System linked work item #5 Refunds fail',
    );
  });

  it('shows ADO comments as text with their author', async () => {
    await render([
      {
        id: 'c1',
        type: 'comment',
        createdAt: '2026-11-26T00:00:00Z',
        source: ado,
        data: {
          text: '<div>Fixed &amp; deployed<br>in <b>1.2</b></div>',
          author: 'bob@example.com',
        },
      },
      {
        id: 's1',
        type: 'set_resolved',
        createdAt: '2026-11-26T00:01:00Z',
        source: ado,
        data: { from: 'unresolved', to: 'resolved' },
      },
      {
        id: 'r1',
        type: 'regression',
        createdAt: '2026-11-27T00:00:00Z',
        source: { kind: 'system' },
        data: { from: 'resolved', to: 'unresolved' },
      },
      {
        id: 'u1',
        type: 'unlinked',
        createdAt: '2026-11-27T00:01:00Z',
        source: { kind: 'system' },
        data: { workItemId: 42 },
      },
    ]);
    const comment = screen.getByTestId('activity-c1');
    expect(comment).toHaveTextContent(
      'Someone in Azure DevOps (#42) commented (as bob@example.com)',
    );
    expect(comment.querySelector('blockquote')?.textContent).toBe(
      'Fixed & deployed\nin 1.2',
    );
    expect(screen.getByTestId('activity-s1')).toHaveTextContent(
      'Someone in Azure DevOps (#42) resolved the issue',
    );
    expect(screen.getByTestId('activity-r1')).toHaveTextContent(
      'System marked the issue as a regression',
    );
    expect(screen.getByTestId('activity-u1')).toHaveTextContent(
      'System unlinked work item #42',
    );
  });

  it('offers older activity while more pages remain, and says when that fails', async () => {
    const loadMore = jest.fn();
    const items: ActivityItem[] = [
      {
        id: 'n1',
        type: 'set_resolved',
        createdAt: '2026-11-26T00:01:00Z',
        source: ado,
        data: {},
      },
    ];
    const { rerender } = await renderInTestApp(
      <IssueActivity
        items={items}
        loading={false}
        hasMore
        loadMore={loadMore}
      />,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    await userEvent.click(
      screen.getByRole('button', { name: 'Load older activity' }),
    );
    expect(loadMore).toHaveBeenCalledTimes(1);
    rerender(
      <IssueActivity
        items={items}
        loading={false}
        hasMore
        loadMore={loadMore}
        loadMoreError={new Error('offline')}
      />,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Could not load older activity: offline',
    );
    rerender(<IssueActivity items={items} loading={false} hasMore={false} />);
    expect(
      screen.queryByRole('button', { name: 'Load older activity' }),
    ).toBeNull();
  });

  it('has an empty and an error state', async () => {
    const { unmount } = await render([]);
    expect(screen.getByText('No activity yet.')).toBeInTheDocument();
    unmount();
    await render(undefined, { error: new Error('boom') });
    expect(screen.getByText(/Could not load the activity/)).toBeInTheDocument();
  });
});
