import { useApi } from '@backstage/core-plugin-api';
import type {
  Issue,
  IssueStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../api';
import { sameEntityRef, useIssueChanged } from './useIssueChanged';
import { usePolling } from './usePolling';

/** True when a change to some linked work item is still queued or retrying. */
export function hasPendingSync(issues: Issue[] | undefined): boolean {
  return Boolean(
    issues?.some(i => i.links.some(l => l.sync?.status === 'pending')),
  );
}

/**
 * The issues of one entity (`GET /issues?entityRef=`), kept current: reloaded
 * when the backend signals a change to one of them, or, in an app without the
 * signals plugin, every 2 s while a change to a work item is pending.
 */
export function useIssues(
  entityRef: string,
  status?: IssueStatus,
): {
  items?: Issue[];
  loading: boolean;
  error?: Error;
  retry: () => void;
  /** Whether changes arrive through signals (false: polling while pending). */
  live: boolean;
} {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (await api.listIssues({ entityRef, status })).items,
    [api, entityRef, status],
  );
  const { live } = useIssueChanged(
    useCallback(s => sameEntityRef(s.entityRef, entityRef), [entityRef]),
    retry,
  );
  usePolling(!live && !error && hasPendingSync(value), retry);
  return { items: value, loading, error, retry, live };
}
