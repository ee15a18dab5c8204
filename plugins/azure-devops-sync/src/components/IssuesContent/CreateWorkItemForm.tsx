import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useState } from 'react';
import { useCreateConfig } from '../../hooks';
import { errorMessage } from '../../utils/errors';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

/** What the create form submits. */
export interface CreateWorkItemInput {
  project: string;
  workItemType: string;
  title?: string;
  description?: string;
}

/** Creates a work item in a chosen project and links it to the issue. */
export function CreateWorkItemForm(props: {
  issue: Issue;
  organizationId: string;
  create: (input: CreateWorkItemInput) => Promise<void>;
  onCancel: () => void;
}) {
  const { issue, organizationId, create, onCancel } = props;
  const { config, loading, error, loadTypes, typeErrors } = useCreateConfig(
    organizationId,
    issue.entityRef,
  );
  const [project, setProject] = useState('');
  const [workItemType, setWorkItemType] = useState('');
  const [title, setTitle] = useState(issue.title);
  const [description, setDescription] = useState('');

  // Types are fetched per project; undefined = not fetched yet.
  const types = project ? config?.workItemTypes[project] : undefined;
  const typeError = project ? typeErrors[project] : undefined;
  const typesLoading =
    Boolean(config && !config.fallback && project) && !types && !typeError;
  const freeTextType =
    !typesLoading && (!types || types.length === 0 || Boolean(typeError));

  // Start from the server's default project once the choices arrive.
  useEffect(() => {
    if (!config) return;
    const initial =
      config.projects.find(p => p.value === config.defaults.project)?.value ??
      config.projects[0]?.value ??
      '';
    setProject(current => current || initial);
  }, [config]);

  useEffect(() => {
    if (typesLoading) {
      loadTypes(project);
    }
  }, [typesLoading, loadTypes, project]);

  // Each project has its own types: keep the default when it offers it.
  const defaultType = config?.defaults.workItemType;
  useEffect(() => {
    if (typesLoading) return;
    if (!types || types.length === 0) {
      setWorkItemType(defaultType ?? 'Bug');
    } else {
      setWorkItemType(
        types.find(t => t.value === defaultType)?.value ?? types[0].value,
      );
    }
  }, [types, typesLoading, defaultType]);

  const action = useAction(
    useCallback((input: CreateWorkItemInput) => create(input), [create]),
  );

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return (
      <ResponseErrorPanel
        error={error}
        title="Could not load the projects and work item types"
      />
    );
  }
  const canSubmit =
    Boolean(project && workItemType.trim()) && !typesLoading && !action.busy;

  return (
    <Box
      component="form"
      aria-label="Create work item"
      onSubmit={(e: React.FormEvent) => {
        e.preventDefault();
        if (!canSubmit) return;
        action.run({
          project,
          workItemType: workItemType.trim(),
          title: title.trim() || undefined,
          description: description.trim() || undefined,
        });
      }}
    >
      <Box display="flex" style={{ gap: 8 }} mb={2}>
        <TextField
          select
          label="Project"
          id="create-work-item-project"
          size="small"
          variant="outlined"
          fullWidth
          value={project}
          onChange={e => setProject(e.target.value)}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          helperText={
            config?.projects.length
              ? undefined
              : 'No Azure DevOps project found'
          }
        >
          {config?.projects.map(p => (
            <option key={p.value} value={p.value}>
              {p.label}
            </option>
          ))}
        </TextField>
        {freeTextType ? (
          <TextField
            label="Work item type"
            id="create-work-item-type"
            size="small"
            variant="outlined"
            fullWidth
            value={workItemType}
            onChange={e => setWorkItemType(e.target.value)}
            helperText={
              typeError
                ? `Could not load the types of this project: ${errorMessage(
                    typeError,
                  )}`
                : undefined
            }
          />
        ) : (
          <TextField
            select
            label="Work item type"
            id="create-work-item-type"
            size="small"
            variant="outlined"
            fullWidth
            value={typesLoading ? '' : workItemType}
            disabled={typesLoading}
            onChange={e => setWorkItemType(e.target.value)}
            SelectProps={{ native: true }}
            InputLabelProps={{ shrink: true }}
            helperText={typesLoading ? 'Loading work item types…' : undefined}
          >
            {typesLoading && <option value="" />}
            {(types ?? []).map(t => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </TextField>
        )}
      </Box>
      <TextField
        label="Title"
        id="create-work-item-title"
        size="small"
        variant="outlined"
        fullWidth
        value={title}
        onChange={e => setTitle(e.target.value)}
      />
      <Box mt={2}>
        <TextField
          label="Description"
          id="create-work-item-description"
          multiline
          minRows={3}
          variant="outlined"
          fullWidth
          value={description}
          onChange={e => setDescription(e.target.value)}
        />
      </Box>
      <Box mt={1} display="flex" style={{ gap: 8 }}>
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={!canSubmit}
        >
          {action.busy ? 'Creating…' : 'Create'}
        </Button>
        <Button onClick={onCancel} disabled={action.busy}>
          Cancel
        </Button>
      </Box>
      <ActionError error={action.error} />
    </Box>
  );
}
