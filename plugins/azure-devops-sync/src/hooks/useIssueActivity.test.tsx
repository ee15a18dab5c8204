import { TestApiProvider } from '@backstage/test-utils';
import type { ActivityItem } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { act, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { azureDevOpsSyncApiRef } from '../api';
import { fakeApi } from '../testing/fixtures';
import { useIssueActivity } from './useIssueActivity';

function item(n: number): ActivityItem {
  return {
    id: `a${n}`,
    type: 'comment',
    createdAt: new Date(Date.UTC(2026, 11, 3, 0, n)).toISOString(),
    source: { kind: 'system' },
    data: { text: `comment ${n}` },
  };
}

/** Items n..m, newest (highest) first. */
function items(from: number, to: number): ActivityItem[] {
  const out = [];
  for (let n = to; n >= from; n--) out.push(item(n));
  return out;
}

function setup(api: ReturnType<typeof fakeApi>) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <TestApiProvider apis={[[azureDevOpsSyncApiRef, api]]}>
      {children}
    </TestApiProvider>
  );
  return renderHook(() => useIssueActivity('i1'), { wrapper });
}

const ids = (list?: ActivityItem[]) => list?.map(i => i.id);

describe('useIssueActivity', () => {
  it('loads the newest page, then older pages with the cursor', async () => {
    const api = fakeApi();
    api.getIssueActivity
      .mockResolvedValueOnce({ items: items(3, 4), nextCursor: 'c1' })
      .mockResolvedValueOnce({ items: items(1, 2), nextCursor: null });
    const { result } = setup(api);
    await waitFor(() =>
      expect(ids(result.current.items)).toEqual(['a4', 'a3']),
    );
    expect(result.current.hasMore).toBe(true);
    expect(api.getIssueActivity).toHaveBeenCalledWith('i1', { limit: 50 });

    act(() => result.current.loadMore());
    await waitFor(() =>
      expect(ids(result.current.items)).toEqual(['a4', 'a3', 'a2', 'a1']),
    );
    expect(api.getIssueActivity).toHaveBeenLastCalledWith('i1', {
      limit: 50,
      cursor: 'c1',
    });
    expect(result.current.hasMore).toBe(false);
  });

  it('keeps the older pages it loaded when the newest page is reloaded', async () => {
    const api = fakeApi();
    api.getIssueActivity
      .mockResolvedValueOnce({ items: items(3, 4), nextCursor: 'c1' })
      .mockResolvedValueOnce({ items: items(1, 2), nextCursor: 'c2' })
      // A new item arrived: the newest page now ends at a4.
      .mockResolvedValueOnce({ items: items(4, 5), nextCursor: 'c3' });
    const { result } = setup(api);
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.items).toHaveLength(4));
    act(() => result.current.retry());
    await waitFor(() =>
      expect(ids(result.current.items)).toEqual(['a5', 'a4', 'a3', 'a2', 'a1']),
    );
    // Older pages continue from where the loaded ones end.
    expect(result.current.hasMore).toBe(true);
    api.getIssueActivity.mockResolvedValueOnce({ items: [], nextCursor: null });
    act(() => result.current.loadMore());
    await waitFor(() => expect(result.current.hasMore).toBe(false));
    expect(api.getIssueActivity).toHaveBeenLastCalledWith('i1', {
      limit: 50,
      cursor: 'c2',
    });
  });

  it('starts over when more arrived than a page holds', async () => {
    const api = fakeApi();
    api.getIssueActivity
      .mockResolvedValueOnce({ items: items(1, 2), nextCursor: null })
      .mockResolvedValueOnce({ items: items(5, 6), nextCursor: 'c9' });
    const { result } = setup(api);
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    act(() => result.current.retry());
    await waitFor(() =>
      expect(ids(result.current.items)).toEqual(['a6', 'a5']),
    );
    expect(result.current.hasMore).toBe(true);
  });

  it('keeps what it shows when a reload fails, and reports it', async () => {
    const api = fakeApi();
    api.getIssueActivity
      .mockResolvedValueOnce({ items: items(1, 2), nextCursor: null })
      .mockRejectedValueOnce(new Error('offline'));
    const { result } = setup(api);
    await waitFor(() => expect(result.current.items).toHaveLength(2));
    act(() => result.current.retry());
    await waitFor(() => expect(result.current.error?.message).toBe('offline'));
    expect(result.current.items).toHaveLength(2);
  });
});
