import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { CatalogUserOption } from '../../hooks';

/**
 * Picks a catalog User by name or ref. A ref the list lacks (a mapping saved
 * before the user left the catalog) stays shown as it is. `label` names the
 * field; `showLabel` shows it above the text too, else it is for screen
 * readers only (a table row's picker).
 */
export function CatalogUserPicker(props: {
  value: string;
  onChange: (userEntityRef: string) => void;
  users: CatalogUserOption[];
  loading: boolean;
  error?: Error;
  label: string;
  showLabel?: boolean;
}) {
  const { value, onChange, users, loading, error, label, showLabel } = props;
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
          label={showLabel ? label : undefined}
          inputProps={
            showLabel
              ? params.inputProps
              : { ...params.inputProps, 'aria-label': label }
          }
          error={Boolean(error)}
          helperText={
            error ? `Could not load users: ${error.message}` : undefined
          }
        />
      )}
    />
  );
}
