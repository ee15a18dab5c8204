import { useApi } from '@backstage/core-plugin-api';
import type {
  OutboundJob,
  OutboundJobStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';

/** One organization's outbound job log, filtered by status. */
export function useJobs(
  organizationId: string,
  status?: OutboundJobStatus,
): {
  items?: OutboundJob[];
  loading: boolean;
  error?: Error;
  retry: () => void;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await api.listJobs(organizationId, status)).items,
    [api, organizationId, status],
  );
  return { items: value, loading, error, retry };
}
