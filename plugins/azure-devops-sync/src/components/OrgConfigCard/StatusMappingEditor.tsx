import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type {
  ChoiceMapperField,
  Choice,
  StatusMappingRow,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useMemo, useState } from 'react';

const useStyles = makeStyles(theme => ({
  table: {
    '& td, & th': {
      paddingLeft: theme.spacing(1),
      paddingRight: theme.spacing(1),
    },
  },
  select: { minWidth: 150 },
  done: { minWidth: 200 },
  chip: { margin: theme.spacing(0.25) },
  empty: { color: theme.palette.text.secondary, fontStyle: 'italic' },
}));

type StateKey = keyof StatusMappingRow;

export interface StatusMappingEditorProps {
  field: ChoiceMapperField;
  rows: Array<{ projectId: string; row: StatusMappingRow }>;
  /** Project id → the explicitly chosen inbound "done" states. */
  doneStates: Record<string, string[]>;
  /** False: show the values as text, with no controls. */
  editable: boolean;
  /** Project id → a problem with that row (e.g. a missing state). */
  rowErrors?: Record<string, string>;
  onAdd?: (projectId: string) => void;
  onRemove?: (projectId: string) => void;
  onChangeState?: (projectId: string, key: StateKey, state: string) => void;
  onChangeDone?: (projectId: string, states: string[]) => void;
}

/**
 * The state names a project offers for one selector: its own (the states of
 * the work item type sync uses there), never another project's. Only a server
 * without per-project choices gets the shared list.
 */
export function stateChoices(
  field: ChoiceMapperField,
  key: StateKey,
  projectId: string,
): string[] {
  const selector = field.mappedSelectors[key];
  const pairs = selector.choicesByProject
    ? selector.choicesByProject[projectId] ?? []
    : selector.choices ?? [];
  return pairs.map(([value]) => value);
}

/** The states offered for the inbound "done" choice of a project. */
function doneChoices(field: ChoiceMapperField, projectId: string): string[] {
  const states = field.projectStates?.[projectId]?.states;
  if (states?.length) {
    return states.map(s => s.name);
  }
  return stateChoices(field, 'on_resolve', projectId);
}

function StateSelect(props: {
  label: string;
  placeholder: string;
  value: string;
  choices: string[];
  error?: boolean;
  onChange: (value: string) => void;
}) {
  const classes = useStyles();
  const { label, placeholder, value, choices, error, onChange } = props;
  // Keep a stored state that ADO no longer lists visible instead of blanking it.
  const options =
    value && !choices.includes(value) ? [value, ...choices] : choices;
  return (
    <TextField
      select
      variant="outlined"
      size="small"
      className={classes.select}
      value={value}
      error={error}
      onChange={e => onChange(e.target.value)}
      SelectProps={{ native: true }}
      inputProps={{ 'aria-label': label }}
    >
      <option value="">{placeholder}</option>
      {options.map(choice => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </TextField>
  );
}

function DoneStatesSelect(props: {
  label: string;
  value: string[];
  choices: string[];
  isDefault: boolean;
  onChange: (value: string[]) => void;
}) {
  const classes = useStyles();
  const { label, value, choices, isDefault, onChange } = props;
  return (
    <Autocomplete
      multiple
      size="small"
      className={classes.done}
      options={choices}
      value={value}
      disableCloseOnSelect
      onChange={(_e, next) => onChange(next as string[])}
      renderInput={params => (
        <TextField
          {...params}
          variant="outlined"
          helperText={isDefault ? 'Default (by state category)' : undefined}
          inputProps={{ ...params.inputProps, 'aria-label': label }}
        />
      )}
    />
  );
}

function AddProject(props: {
  field: ChoiceMapperField;
  remaining: Choice[];
  onAdd: (projectId: string) => void;
}) {
  const { field, remaining, onAdd } = props;
  const [input, setInput] = useState('');
  const { addDropdown } = field;
  return (
    <Autocomplete
      size="small"
      style={{ maxWidth: 360 }}
      openOnFocus
      options={remaining}
      getOptionLabel={option => option.label}
      value={null}
      inputValue={input}
      onInputChange={(_e, value, reason) => {
        if (reason !== 'reset') setInput(value);
      }}
      noOptionsText={
        remaining.length === 0
          ? addDropdown.emptyMessage
          : addDropdown.noResultsMessage
      }
      onChange={(_e, choice) => {
        if (choice) {
          onAdd((choice as Choice).value);
          setInput('');
        }
      }}
      renderInput={params => (
        <TextField
          {...params}
          variant="outlined"
          label={field.addButtonText}
          InputProps={{
            ...params.InputProps,
            startAdornment: <AddIcon fontSize="small" color="action" />,
          }}
        />
      )}
    />
  );
}

/**
 * The `sync_status_forward` choice mapper: one row per ADO project with the
 * state to set when an issue is resolved and unresolved, and the inbound
 * states that count as done. Each project offers its own states.
 */
export function StatusMappingEditor(props: StatusMappingEditorProps) {
  const classes = useStyles();
  const { field, rows, doneStates, editable, rowErrors = {} } = props;
  const { columnLabels } = field;

  const projectLabels = useMemo(
    () => new Map(field.addDropdown.items.map(i => [i.value, i.label])),
    [field.addDropdown.items],
  );
  const remaining = field.addDropdown.items.filter(
    item => !rows.some(r => r.projectId === item.value),
  );

  return (
    <Box>
      <Table size="small" className={classes.table} aria-label={field.label}>
        <TableHead>
          <TableRow>
            <TableCell>{field.mappedColumnLabel}</TableCell>
            <TableCell>{columnLabels.on_resolve}</TableCell>
            <TableCell>{columnLabels.on_unresolve}</TableCell>
            <TableCell>{columnLabels.inbound_done}</TableCell>
            {editable && <TableCell padding="checkbox" />}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.length === 0 && (
            <TableRow>
              <TableCell colSpan={editable ? 5 : 4} className={classes.empty}>
                No Azure DevOps project is mapped yet
                {editable ? `: use "${field.addButtonText}" below.` : '.'}
              </TableCell>
            </TableRow>
          )}
          {rows.map(({ projectId, row }) => {
            const name = projectLabels.get(projectId) ?? projectId;
            const unknown = !projectLabels.has(projectId);
            const explicitDone = doneStates[projectId];
            const done =
              explicitDone ??
              field.projectStates?.[projectId]?.defaultDoneStates ??
              [];
            const error = rowErrors[projectId];
            return (
              <TableRow
                key={projectId}
                data-testid={`mapping-row-${projectId}`}
              >
                <TableCell>
                  <Typography variant="body2">{name}</Typography>
                  {unknown && (
                    <Typography variant="caption" color="textSecondary">
                      Project not found in Azure DevOps
                    </Typography>
                  )}
                  {error && (
                    <Typography variant="caption" color="error" display="block">
                      {error}
                    </Typography>
                  )}
                </TableCell>
                {(['on_resolve', 'on_unresolve'] as const).map(key => (
                  <TableCell key={key}>
                    {editable ? (
                      <StateSelect
                        label={`${columnLabels[key]}: ${name}`}
                        placeholder={field.mappedSelectors[key].placeholder}
                        value={row[key] ?? ''}
                        choices={stateChoices(field, key, projectId)}
                        error={
                          Boolean(error) &&
                          (!row[key] || row.on_resolve === row.on_unresolve)
                        }
                        onChange={value =>
                          props.onChangeState?.(projectId, key, value)
                        }
                      />
                    ) : (
                      <Typography variant="body2">{row[key] || '—'}</Typography>
                    )}
                  </TableCell>
                ))}
                <TableCell>
                  {editable ? (
                    <DoneStatesSelect
                      label={`${columnLabels.inbound_done}: ${name}`}
                      value={done}
                      choices={doneChoices(field, projectId)}
                      isDefault={!explicitDone}
                      onChange={value => props.onChangeDone?.(projectId, value)}
                    />
                  ) : (
                    <Box>
                      {done.length === 0 && (
                        <Typography variant="body2">—</Typography>
                      )}
                      {done.map(state => (
                        <Chip
                          key={state}
                          size="small"
                          label={state}
                          className={classes.chip}
                        />
                      ))}
                    </Box>
                  )}
                </TableCell>
                {editable && (
                  <TableCell padding="checkbox">
                    <Tooltip title={`Remove ${name}`}>
                      <IconButton
                        size="small"
                        aria-label={`Remove ${name}`}
                        onClick={() => props.onRemove?.(projectId)}
                      >
                        <DeleteIcon fontSize="small" />
                      </IconButton>
                    </Tooltip>
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {editable && props.onAdd && (
        <Box mt={1}>
          <AddProject field={field} remaining={remaining} onAdd={props.onAdd} />
        </Box>
      )}
    </Box>
  );
}
