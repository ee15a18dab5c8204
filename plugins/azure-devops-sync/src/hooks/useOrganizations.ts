import { useApi } from '@backstage/core-plugin-api';
import type { Organization } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';

/** The connected organizations, with a `retry` to reload them. */
export function useOrganizations(): {
  items?: Organization[];
  loading: boolean;
  error?: Error;
  retry: () => void;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await api.listOrganizations()).items,
    [api],
  );
  return { items: value, loading, error, retry };
}
