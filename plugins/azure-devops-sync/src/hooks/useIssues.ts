import { useApi } from '@backstage/core-plugin-api';
import type {
  Issue,
  IssueStatus,
} from '@internal/plugin-azure-devops-sync-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';

/** The issues of one entity (`GET /issues?entityRef=`). */
export function useIssues(
  entityRef: string,
  status?: IssueStatus,
): { items?: Issue[]; loading: boolean; error?: Error; retry: () => void } {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await api.listIssues({ entityRef, status })).items,
    [api, entityRef, status],
  );
  return { items: value, loading, error, retry };
}
