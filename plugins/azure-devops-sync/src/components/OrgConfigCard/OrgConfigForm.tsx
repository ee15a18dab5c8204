import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import FormHelperText from '@material-ui/core/FormHelperText';
import Switch from '@material-ui/core/Switch';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  BooleanConfigField,
  ChoiceMapperField,
  ConfigField,
  OrganizationConfig,
  OrganizationConfigUpdate,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Fragment, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../../utils/errors';
import {
  addRow,
  buildUpdate,
  createDraft,
  fieldForMessage,
  incompleteRows,
  removeRow,
  sameStateRows,
  setBoolean,
  setDoneStates,
  setRowState,
  type ConfigDraft,
} from './draft';
import { StatusMappingEditor } from './StatusMappingEditor';

export interface OrgConfigFormProps {
  config: OrganizationConfig;
  /** Whether the user may change settings at all (permission and `canUpdate`). */
  canEdit: boolean;
  onSave: (update: OrganizationConfigUpdate) => Promise<unknown>;
}

function FieldHeader(props: { field: ConfigField; error?: string }) {
  const { field, error } = props;
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        {field.label}
      </Typography>
      {field.help && (
        <Typography variant="body2" color="textSecondary">
          {field.help}
        </Typography>
      )}
      {field.disabled && (
        <Box mt={1}>
          <Alert severity="info">
            {field.disabledReason || 'This setting is disabled.'}
          </Alert>
        </Box>
      )}
      {error && (
        <FormHelperText error role="alert">
          {error}
        </FormHelperText>
      )}
    </>
  );
}

function BooleanFieldRow(props: {
  field: BooleanConfigField;
  value: boolean;
  editable: boolean;
  error?: string;
  onChange: (value: boolean) => void;
}) {
  const { field, value, editable, error, onChange } = props;
  const inputId = `azure-devops-sync-${field.name}`;
  return (
    <Box display="flex" alignItems="flex-start" justifyContent="space-between">
      <Box flex={1} pr={2}>
        <Typography variant="subtitle2" component="h3">
          <label htmlFor={editable || field.disabled ? inputId : undefined}>
            {field.label}
          </label>
        </Typography>
        {field.help && (
          <Typography variant="body2" color="textSecondary">
            {field.help}
          </Typography>
        )}
        {field.disabled && (
          <FormHelperText data-testid={`disabled-reason-${field.name}`}>
            {field.disabledReason || 'This setting is disabled.'}
          </FormHelperText>
        )}
        {error && (
          <FormHelperText error role="alert">
            {error}
          </FormHelperText>
        )}
      </Box>
      {editable || field.disabled ? (
        <Switch
          id={inputId}
          color="primary"
          checked={value}
          disabled={!editable}
          onChange={e => onChange(e.target.checked)}
        />
      ) : (
        <Chip
          size="small"
          label={value ? 'On' : 'Off'}
          color={value ? 'primary' : 'default'}
          variant={value ? 'default' : 'outlined'}
        />
      )}
    </Box>
  );
}

/**
 * The organization's sync settings, in the server's field order. Editable for
 * users allowed to update; a plain read-only view otherwise.
 */
export function OrgConfigForm(props: OrgConfigFormProps) {
  const { config, canEdit, onSave } = props;
  const [draft, setDraft] = useState<ConfigDraft>(() =>
    createDraft(config.values),
  );
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [saved, setSaved] = useState(false);
  const [showRowErrors, setShowRowErrors] = useState(false);

  // A new config from the server (load, refresh, save) resets the draft.
  useEffect(() => {
    setDraft(createDraft(config.values));
    setShowRowErrors(false);
  }, [config]);

  const update = useMemo(
    () => buildUpdate(config.values, draft),
    [config.values, draft],
  );
  const dirty = Object.keys(update).length > 0;
  // A row with one state for both sides is wrong as soon as it is chosen; a
  // missing state only once the user tries to save.
  const sameState = sameStateRows(draft);
  const rowErrors = {
    ...(showRowErrors ? incompleteRows(draft) : {}),
    ...sameState,
  };
  const blocked = Object.keys(sameState).length > 0;
  const errorField = saveError
    ? fieldForMessage(saveError, config.fields)
    : undefined;

  const edit = (next: ConfigDraft) => {
    setDraft(next);
    setSaved(false);
    setSaveError(undefined);
  };

  const handleSave = async () => {
    if (blocked || Object.keys(incompleteRows(draft)).length > 0) {
      setShowRowErrors(true);
      return;
    }
    setSaving(true);
    setSaveError(undefined);
    setSaved(false);
    try {
      await onSave(update);
      setSaved(true);
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const anyEditable =
    canEdit && config.fields.some(f => !f.disabled && !f.readOnly);

  return (
    <Box>
      {config.fields.map((field, index) => {
        const editable = canEdit && !field.disabled && !field.readOnly;
        const error = errorField === field.name ? saveError : undefined;
        return (
          <Fragment key={field.name}>
            {index > 0 && (
              <Box my={1.5}>
                <Divider />
              </Box>
            )}
            <Box data-testid={`config-field-${field.name}`}>
              {field.type === 'choice_mapper' ? (
                <>
                  <FieldHeader field={field} error={error} />
                  <Box mt={1}>
                    <StatusMappingEditor
                      field={field as ChoiceMapperField}
                      rows={draft.rowOrder.map(projectId => ({
                        projectId,
                        row: draft.values.sync_status_forward[projectId],
                      }))}
                      doneStates={draft.values.inbound_done_states}
                      editable={editable}
                      rowErrors={rowErrors}
                      onAdd={id => edit(addRow(draft, id))}
                      onRemove={id => edit(removeRow(draft, id))}
                      onChangeState={(id, key, state) =>
                        edit(setRowState(draft, id, key, state))
                      }
                      onChangeDone={(id, states) =>
                        edit(setDoneStates(draft, id, states))
                      }
                    />
                  </Box>
                </>
              ) : (
                <BooleanFieldRow
                  field={field as BooleanConfigField}
                  value={Boolean(
                    draft.values[field.name as BooleanConfigField['name']],
                  )}
                  editable={editable}
                  error={error}
                  onChange={value => edit(setBoolean(draft, field.name, value))}
                />
              )}
            </Box>
          </Fragment>
        );
      })}

      {anyEditable && (
        <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
          <Button
            variant="contained"
            color="primary"
            disabled={!dirty || saving || blocked}
            onClick={handleSave}
          >
            {saving ? 'Saving…' : 'Save'}
          </Button>
          {dirty && !saving && (
            <Button onClick={() => edit(createDraft(config.values))}>
              Discard changes
            </Button>
          )}
        </Box>
      )}
      {saveError && (
        <Box mt={1}>
          <Alert severity="error" data-testid="save-error">
            Could not save the settings: {saveError}
          </Alert>
        </Box>
      )}
      {saved && !dirty && (
        <Box mt={1}>
          <Alert severity="success" onClose={() => setSaved(false)}>
            Settings saved.
          </Alert>
        </Box>
      )}
      {!canEdit && (
        <Box mt={2}>
          <Typography variant="caption" color="textSecondary">
            You can view these settings, but you don't have permission to change
            them.
          </Typography>
        </Box>
      )}
    </Box>
  );
}
