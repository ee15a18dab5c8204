import { useApi } from '@backstage/core-plugin-api';
import type { Issue } from '@internal/plugin-azure-devops-sync-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../api';
import { useIssueChanged } from './useIssueChanged';
import { hasPendingSync } from './useIssues';
import { usePolling } from './usePolling';

/**
 * The issue open in the drawer, kept current: from each reload of the list
 * while the list holds it, and on its own (`GET /issues/:id`) when a signal
 * names it, or, without signals, every 2 s while it has a pending change and
 * the list no longer holds it (resolving it under the "Unresolved" filter).
 */
export function useSelectedIssue(
  items: Issue[] | undefined,
  live: boolean,
): {
  selected?: Issue;
  setSelected: (issue: Issue | undefined) => void;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const [selected, setSelectedState] = useState<Issue>();
  const selectedId = useRef<string>();
  const setSelected = useCallback((issue: Issue | undefined) => {
    selectedId.current = issue?.id;
    setSelectedState(issue);
  }, []);

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
