import { useApi } from '@backstage/core-plugin-api';
import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';

/**
 * How often each of an entity's issues was seen lately
 * (`GET /events/trends?entityRef=`), by issue id. An issue not seen in the
 * last 14 days has no entry.
 */
export function useIssueTrends(entityRef: string): {
  trends?: Map<string, IssueTrend>;
  /** When the server counted, the end of the last bucket. */
  generatedAt?: string;
  loading: boolean;
  error?: Error;
  retry: () => void;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
    const list = await api.getIssueTrends(entityRef);
    return {
      trends: new Map(list.items.map(t => [t.issueId, t])),
      generatedAt: list.generatedAt,
    };
  }, [api, entityRef]);
  return {
    trends: value?.trends,
    generatedAt: value?.generatedAt,
    loading,
    error,
    retry,
  };
}
