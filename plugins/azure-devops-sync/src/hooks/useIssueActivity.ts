import { useApi } from '@backstage/core-plugin-api';
import type { ActivityItem } from '@internal/plugin-azure-devops-sync-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';

/** An issue's activity timeline (`GET /issues/:id/activity`). */
export function useIssueActivity(issueId: string): {
  items?: ActivityItem[];
  loading: boolean;
  error?: Error;
  retry: () => void;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await api.getIssueActivity(issueId)).items,
    [api, issueId],
  );
  return { items: value, loading, error, retry };
}
