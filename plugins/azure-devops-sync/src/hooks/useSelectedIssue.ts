import { useApi } from '@backstage/core-plugin-api';
import { useNotify } from './useNotify';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { azureDevOpsSyncApiRef } from '../api';
import { useIssueChanged } from './useIssueChanged';
import { hasPendingSync } from './useIssues';
import { usePolling } from './usePolling';

/** The query parameter naming the open issue (notifications link to it). */
export const ISSUE_PARAM = 'issue';

/**
 * The issue open in the drawer, kept current: from each reload of the list
 * while the list holds it, and on its own (`GET /issues/:id`) when a signal
 * names it, or, without signals, every 2 s while it has a pending change and
 * the list no longer holds it (resolving it under the "Unresolved" filter).
 * The open issue is in the URL (`?issue=<id>`), so a link (a notification's)
 * opens it.
 */
export function useSelectedIssue(
  items: Issue[] | undefined,
  live: boolean,
): {
  selected?: Issue;
  setSelected: (issue: Issue | undefined) => void;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const notify = useNotify();
  const [params, setParams] = useSearchParams();
  const linkedId = params.get(ISSUE_PARAM) ?? undefined;
  const [selected, setSelectedState] = useState<Issue>();
  const selectedId = useRef<string>();

  const setLinkedId = useCallback(
    (id: string | undefined) =>
      setParams(
        current => {
          const next = new URLSearchParams(current);
          if (id) next.set(ISSUE_PARAM, id);
          else next.delete(ISSUE_PARAM);
          return next;
        },
        { replace: true },
      ),
    [setParams],
  );

  const setSelected = useCallback(
    (issue: Issue | undefined) => {
      const moved = selectedId.current !== issue?.id;
      selectedId.current = issue?.id;
      setSelectedState(issue);
      if (moved) setLinkedId(issue?.id);
    },
    [setLinkedId],
  );

  // Opened from the URL: from the list when it holds the issue, else on its
  // own. The list comes first (one request less, most of the time).
  useEffect(() => {
    if (!linkedId || linkedId === selectedId.current || !items) return;
    selectedId.current = linkedId;
    const listed = items.find(i => i.id === linkedId);
    if (listed) {
      setSelectedState(listed);
      return;
    }
    api.getIssue(linkedId).then(
      issue => {
        if (selectedId.current === linkedId) setSelectedState(issue);
      },
      () => {
        if (selectedId.current !== linkedId) return;
        selectedId.current = undefined;
        setLinkedId(undefined);
        notify(`Issue ${linkedId} was not found`, 'warning');
      },
    );
  }, [linkedId, items, api, notify, setLinkedId]);

  useEffect(() => {
    setSelectedState(current => {
      const fresh = current && items?.find(i => i.id === current.id);
      return fresh ?? current;
    });
  }, [items]);

  const reload = useCallback(async () => {
    const id = selectedId.current;
    if (!id) return;
    try {
      const fresh = await api.getIssue(id);
      setSelectedState(current => (current?.id === fresh.id ? fresh : current));
    } catch {
      // The list reload shows the error; the drawer keeps what it has.
    }
  }, [api]);

  const id = selected?.id;
  useIssueChanged(
    useCallback(s => s.issueId === id, [id]),
    reload,
  );
  const listed = Boolean(id && items?.some(i => i.id === id));
  usePolling(
    !live && !listed && hasPendingSync(selected ? [selected] : []),
    reload,
  );
  return { selected, setSelected };
}
