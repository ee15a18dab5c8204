import { useApi } from '@backstage/core-plugin-api';
import type { SdkKey } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';

/** An entity's SDK keys and the actions on them. */
export interface SdkKeysState {
  items?: SdkKey[];
  loading: boolean;
  /** The last load error; cleared by a successful load. */
  error?: Error;
  /** Resolves with the new key (also added to `items`); rejects with the server's error. */
  create: () => Promise<SdkKey>;
  /** Resolves once revoked (the key leaves `items`); rejects with the server's error. */
  revoke: (publicKey: string) => Promise<void>;
}

/**
 * Loads `GET /sdk-keys?entityRef=` while `enabled` (the list needs the
 * sdk-key permission, so a user without it is not asked for a 403).
 */
export function useSdkKeys(entityRef: string, enabled: boolean): SdkKeysState {
  const api = useApi(azureDevOpsSyncApiRef);
  const [items, setItems] = useState<SdkKey[]>();
  const [loading, setLoading] = useState(enabled);
  const [error, setError] = useState<Error>();
  // Ignore answers to requests that a newer one superseded.
  const requestId = useRef(0);

  useEffect(() => {
    if (!enabled) {
      setLoading(false);
      return;
    }
    const id = ++requestId.current;
    setLoading(true);
    api.listSdkKeys(entityRef).then(
      list => {
        if (id !== requestId.current) return;
        setItems(list.items);
        setError(undefined);
        setLoading(false);
      },
      e => {
        if (id !== requestId.current) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [api, entityRef, enabled]);

  const create = useCallback(async () => {
    const key = await api.createSdkKey(entityRef);
    setItems(current => [...(current ?? []), key]);
    return key;
  }, [api, entityRef]);

  const revoke = useCallback(
    async (publicKey: string) => {
      await api.revokeSdkKey(publicKey);
      setItems(current => current?.filter(k => k.publicKey !== publicKey));
    },
    [api],
  );

  return { items, loading, error, create, revoke };
}
