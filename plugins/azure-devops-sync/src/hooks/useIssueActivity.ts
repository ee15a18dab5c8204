import { useApi } from '@backstage/core-plugin-api';
import type {
  ActivityItem,
  ActivityPage,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../api';

/** Items per page of `GET /issues/:id/activity`. */
export const ACTIVITY_PAGE_SIZE = 50;

interface Loaded {
  items: ActivityItem[];
  nextCursor: string | null;
}

/**
 * A reloaded first page in front of the older pages already shown. When the
 * two do not overlap (more new items than a page), only the new page is kept,
 * so no gap is hidden.
 */
function mergeFirstPage(page: ActivityPage, shown?: Loaded): Loaded {
  const fresh = { items: page.items, nextCursor: page.nextCursor };
  if (!shown || page.nextCursor === null || page.items.length === 0) {
    return fresh;
  }
  const oldestNew = page.items[page.items.length - 1].id;
  const at = shown.items.findIndex(i => i.id === oldestNew);
  if (at === -1) {
    return fresh;
  }
  return {
    items: [...page.items, ...shown.items.slice(at + 1)],
    nextCursor: shown.nextCursor,
  };
}

/**
 * An issue's activity, newest first, one page at a time
 * (`GET /issues/:id/activity?limit=&cursor=`). `retry` reloads the newest page
 * and keeps the older pages already loaded.
 */
export function useIssueActivity(issueId: string): {
  items?: ActivityItem[];
  loading: boolean;
  error?: Error;
  retry: () => void;
  /** True when older items remain. */
  hasMore: boolean;
  loadMore: () => void;
  loadingMore: boolean;
  loadMoreError?: Error;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const [loaded, setLoaded] = useState<Loaded>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  const [loadingMore, setLoadingMore] = useState(false);
  const [loadMoreError, setLoadMoreError] = useState<Error>();
  // Answers to superseded requests are dropped; a reload supersedes "more".
  const generation = useRef(0);
  const current = useRef<Loaded>();
  current.current = loaded;

  const retry = useCallback(() => {
    const id = ++generation.current;
    setLoading(true);
    setLoadingMore(false);
    api
      .getIssueActivity(issueId, { limit: ACTIVITY_PAGE_SIZE })
      .then(
        page => {
          if (id !== generation.current) return;
          setLoaded(mergeFirstPage(page, current.current));
          setError(undefined);
        },
        e => {
          if (id === generation.current) setError(e);
        },
      )
      .finally(() => {
        if (id === generation.current) setLoading(false);
      });
  }, [api, issueId]);

  useEffect(() => {
    current.current = undefined;
    setLoaded(undefined);
    retry();
  }, [retry]);

  const loadMore = useCallback(() => {
    const cursor = current.current?.nextCursor;
    if (!cursor) return;
    const id = generation.current;
    setLoadingMore(true);
    setLoadMoreError(undefined);
    api
      .getIssueActivity(issueId, { limit: ACTIVITY_PAGE_SIZE, cursor })
      .then(
        page => {
          if (id !== generation.current) return;
          setLoaded(shown => {
            const ids = new Set(shown?.items.map(i => i.id));
            return {
              items: [
                ...(shown?.items ?? []),
                ...page.items.filter(i => !ids.has(i.id)),
              ],
              nextCursor: page.nextCursor,
            };
          });
        },
        e => {
          if (id === generation.current) setLoadMoreError(e);
        },
      )
      .finally(() => {
        if (id === generation.current) setLoadingMore(false);
      });
  }, [api, issueId]);

  return {
    items: loaded?.items,
    loading,
    error,
    retry,
    hasMore: Boolean(loaded?.nextCursor),
    loadMore,
    loadingMore,
    loadMoreError,
  };
}
