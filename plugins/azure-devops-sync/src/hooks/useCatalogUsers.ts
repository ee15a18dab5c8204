import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';

/** A catalog User as the picker offers it. */
export interface CatalogUserOption {
  ref: string;
  label: string;
}

function toOption(entity: Entity): CatalogUserOption {
  const ref = stringifyEntityRef(entity);
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  const name = profile?.displayName || entity.metadata.title;
  return { ref, label: name ? `${name} (${ref})` : ref };
}

/**
 * The catalog's User entities, sorted by name, for a picker (the People section asks
 * once for all its rows). Without a catalog API in the app the list
 * is empty (the pickers then offer only the refs already mapped).
 */
export function useCatalogUsers(): {
  users: CatalogUserOption[];
  loading: boolean;
  error?: Error;
} {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    if (!catalogApi) return [];
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'User' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.map(toOption).sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);
  return { users: value ?? [], loading, error };
}
