import { useApi } from '@backstage/core-plugin-api';
import type {
  Delivery,
  DeliveryStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';

/** One organization's delivery log, filtered by status. */
export function useDeliveries(
  organizationId: string,
  status?: DeliveryStatus,
): { items?: Delivery[]; loading: boolean; error?: Error; retry: () => void } {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await api.listDeliveries(organizationId, status)).items,
    [api, organizationId, status],
  );
  return { items: value, loading, error, retry };
}
