import { useApi } from '@backstage/core-plugin-api';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { azureDevOpsSyncApiRef } from '../api';

const EMPTY = new Map<string, Issue>();

/**
 * The issues behind a list of ids (e.g. the admin page's jobs), read once per
 * distinct id; an issue that cannot be read is left out, so its row shows the
 * bare id.
 */
export function useIssueSummaries(issueIds: Array<string | null | undefined>): {
  issues: Map<string, Issue>;
  loading: boolean;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const key = useMemo(
    () =>
      Array.from(new Set(issueIds.filter((id): id is string => !!id)))
        .sort()
        .join('\n'),
    [issueIds],
  );
  const { value, loading } = useAsync(async () => {
    const ids = key ? key.split('\n') : [];
    const results = await Promise.allSettled(ids.map(id => api.getIssue(id)));
    const issues = new Map<string, Issue>();
    results.forEach(result => {
      if (result.status === 'fulfilled') {
        issues.set(result.value.id, result.value);
      }
    });
    return issues;
  }, [api, key]);
  return { issues: value ?? EMPTY, loading };
}
