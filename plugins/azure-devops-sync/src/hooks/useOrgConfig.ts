import { useApi } from '@backstage/core-plugin-api';
import type {
  OrganizationConfig,
  OrganizationConfigUpdate,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../api';

/** State and actions of one organization's sync settings. */
export interface OrgConfigState {
  config?: OrganizationConfig;
  /** True while the first load or a refresh is in flight. */
  loading: boolean;
  /** The last load error; cleared by a successful load. */
  error?: Error;
  /** Reloads; `refresh: true` makes the backend re-read ADO projects and states. */
  reload: (options?: { refresh?: boolean }) => Promise<void>;
  /** Saves; resolves with the new config, rejects with the server's error. */
  save: (update: OrganizationConfigUpdate) => Promise<OrganizationConfig>;
}

/** Loads `GET /organizations/:id/config` and saves with `PUT`. */
export function useOrgConfig(organizationId: string): OrgConfigState {
  const api = useApi(azureDevOpsSyncApiRef);
  const [config, setConfig] = useState<OrganizationConfig>();
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();
  // Ignore answers to requests that a newer one superseded.
  const requestId = useRef(0);

  const reload = useCallback(
    async (options?: { refresh?: boolean }) => {
      const id = ++requestId.current;
      setLoading(true);
      try {
        const next = await api.getOrganizationConfig(organizationId, options);
        if (id === requestId.current) {
          setConfig(next);
          setError(undefined);
        }
      } catch (e) {
        if (id === requestId.current) {
          setError(e);
        }
      } finally {
        if (id === requestId.current) {
          setLoading(false);
        }
      }
    },
    [api, organizationId],
  );

  useEffect(() => {
    setConfig(undefined);
    reload();
  }, [reload]);

  const save = useCallback(
    async (update: OrganizationConfigUpdate) => {
      const next = await api.updateOrganizationConfig(organizationId, update);
      requestId.current++;
      setConfig(next);
      setError(undefined);
      setLoading(false);
      return next;
    },
    [api, organizationId],
  );

  return { config, loading, error, reload, save };
}
