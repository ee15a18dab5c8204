import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useApiHolder } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
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
 * The catalog's User entities, sorted by name, for the pickers of one section
 * (one request for all its rows). Without a catalog API in the app the list
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

/**
 * Picks a catalog User by name or ref. A ref the list lacks (a mapping saved
 * before the user left the catalog) stays shown as it is.
 */
export function CatalogUserPicker(props: {
  value: string;
  onChange: (userEntityRef: string) => void;
  users: CatalogUserOption[];
  loading: boolean;
  error?: Error;
  label: string;
}) {
  const { value, onChange, users, loading, error, label } = props;
  const listed = users.find(u => u.ref === value);
  const selected = listed ?? (value ? { ref: value, label: value } : null);
  const options = listed || !selected ? users : [selected, ...users];
  return (
    <Autocomplete<CatalogUserOption>
      size="small"
      options={options}
      loading={loading}
      value={selected}
      onChange={(_e, next) => onChange(next?.ref ?? '')}
      getOptionLabel={o => o.label}
      getOptionSelected={(a, b) => a.ref === b.ref}
      renderInput={params => (
        <TextField
          {...params}
          variant="outlined"
          placeholder="Search users"
          inputProps={{ ...params.inputProps, 'aria-label': label }}
          error={Boolean(error)}
          helperText={
            error ? `Could not load users: ${error.message}` : undefined
          }
        />
      )}
    />
  );
}
