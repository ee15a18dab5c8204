import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Divider from '@material-ui/core/Divider';
import IconButton from '@material-ui/core/IconButton';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import type {
  Issue,
  IssueStatus,
  Organization,
} from '@internal/plugin-azure-devops-sync-common';
import { useCallback, useState, type ReactNode } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useIssueActivity } from '../../hooks';
import { IssueActivity } from '../IssueActivity';
import { ActionError } from './ActionError';
import { AssignControl } from './AssignControl';
import { CommentForm } from './CommentForm';
import {
  CreateWorkItemForm,
  type CreateWorkItemInput,
} from './CreateWorkItemForm';
import { IssueStatusChip, WorkItemLinks } from './IssueParts';
import { LinkWorkItemForm } from './LinkWorkItemForm';
import { useAction } from './useAction';

function Section(props: { title: string; children: ReactNode }) {
  return (
    <Box mt={3}>
      <Typography variant="subtitle2" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </Box>
  );
}

function StatusActions(props: {
  issue: Issue;
  setStatus: (status: IssueStatus) => Promise<void>;
}) {
  const { issue, setStatus } = props;
  const action = useAction(setStatus);
  return (
    <Box>
      <Box display="flex" style={{ gap: 8 }}>
        {issue.status !== 'resolved' && (
          <Button
            variant="contained"
            color="primary"
            disabled={action.busy}
            onClick={() => action.run('resolved')}
          >
            Resolve
          </Button>
        )}
        {issue.status !== 'unresolved' && (
          <Button
            variant="outlined"
            disabled={action.busy}
            onClick={() => action.run('unresolved')}
          >
            Unresolve
          </Button>
        )}
        {issue.status === 'unresolved' && (
          <Button
            variant="outlined"
            disabled={action.busy}
            onClick={() => action.run('ignored')}
          >
            Ignore
          </Button>
        )}
      </Box>
      <ActionError error={action.error} />
    </Box>
  );
}

/**
 * One issue: its facts, the actions a user with the update permission may
 * take, and its activity timeline. Every action hands the updated issue to
 * `onChange` and reloads the timeline.
 */
export function IssueDetails(props: {
  issue: Issue;
  canUpdate: boolean;
  /** The organizations work items can be linked from; the entity's first. */
  organizations: Organization[];
  /** Why no organization is offered, when none is. */
  organizationsProblem?: string;
  onChange: (issue: Issue) => void;
  onClose: () => void;
}) {
  const {
    issue,
    canUpdate,
    organizations,
    organizationsProblem,
    onChange,
    onClose,
  } = props;
  const api = useApi(azureDevOpsSyncApiRef);
  const activity = useIssueActivity(issue.id);
  const [form, setForm] = useState<'link' | 'create'>();
  const [orgId, setOrgId] = useState(organizations[0]?.id);
  const organizationId =
    organizations.find(o => o.id === orgId)?.id ?? organizations[0]?.id;

  const { retry: reloadActivity } = activity;
  const changed = useCallback(
    (next: Issue) => {
      onChange(next);
      reloadActivity();
    },
    [onChange, reloadActivity],
  );

  const setStatus = useCallback(
    async (status: IssueStatus) =>
      changed(await api.updateIssue(issue.id, { status })),
    [api, issue.id, changed],
  );
  const assign = useCallback(
    async (assignee: string | null) =>
      changed(await api.updateIssue(issue.id, { assignee })),
    [api, issue.id, changed],
  );
  const link = useCallback(
    async (workItemId: number) => {
      changed(
        await api.linkWorkItem(issue.id, {
          organizationId: organizationId!,
          workItemId,
        }),
      );
      setForm(undefined);
    },
    [api, issue.id, organizationId, changed],
  );
  const create = useCallback(
    async (input: CreateWorkItemInput) => {
      changed(
        await api.linkWorkItem(issue.id, {
          organizationId: organizationId!,
          create: input,
        }),
      );
      setForm(undefined);
    },
    [api, issue.id, organizationId, changed],
  );
  const addComment = useCallback(
    async (text: string) => {
      await api.addComment(issue.id, text);
      reloadActivity();
    },
    [api, issue.id, reloadActivity],
  );

  return (
    <Box
      p={3}
      width={600}
      maxWidth="100vw"
      role="region"
      aria-label={issue.title}
    >
      <Box display="flex" alignItems="flex-start">
        <Box flex={1}>
          <Typography variant="h6" component="h2">
            {issue.title}
          </Typography>
          <Typography variant="body2" color="textSecondary">
            {issue.shortId}
            {issue.culprit ? ` · ${issue.culprit}` : ''}
          </Typography>
        </Box>
        <IconButton aria-label="Close" onClick={onClose} size="small">
          <CloseIcon />
        </IconButton>
      </Box>
      <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
        <IssueStatusChip issue={issue} testId={false} />
        <Chip size="small" variant="outlined" label={issue.level} />
        <Typography variant="body2">
          {issue.timesSeen} event{issue.timesSeen === 1 ? '' : 's'} ·{' '}
          {issue.assignee ? (
            <>
              assigned to{' '}
              <EntityRefLink entityRef={issue.assignee} defaultKind="user" />
            </>
          ) : (
            'unassigned'
          )}
        </Typography>
      </Box>

      {canUpdate && (
        <Section title="Status">
          <StatusActions issue={issue} setStatus={setStatus} />
        </Section>
      )}
      {canUpdate && (
        <Section title="Assignee">
          <AssignControl issue={issue} assign={assign} />
        </Section>
      )}

      <Section title="Work items">
        <WorkItemLinks links={issue.links} />
        {canUpdate && organizations.length === 0 && (
          <Typography variant="body2" color="textSecondary">
            {organizationsProblem ??
              'No Azure DevOps organization is connected, so work items cannot be linked.'}
          </Typography>
        )}
        {canUpdate && organizations.length > 0 && (
          <Box mt={1}>
            {organizations.length > 1 && (
              <Box mb={1}>
                <TextField
                  select
                  label="Organization"
                  size="small"
                  variant="outlined"
                  value={organizationId}
                  onChange={e => setOrgId(e.target.value)}
                  SelectProps={{ native: true }}
                >
                  {organizations.map(o => (
                    <option key={o.id} value={o.id}>
                      {o.name}
                    </option>
                  ))}
                </TextField>
              </Box>
            )}
            {!form && (
              <Box display="flex" style={{ gap: 8 }}>
                <Button variant="outlined" onClick={() => setForm('link')}>
                  Link work item
                </Button>
                <Button variant="outlined" onClick={() => setForm('create')}>
                  Create work item
                </Button>
              </Box>
            )}
            {form === 'link' && (
              <Box>
                <LinkWorkItemForm
                  key={organizationId}
                  issue={issue}
                  organizationId={organizationId!}
                  link={link}
                />
                <Button size="small" onClick={() => setForm(undefined)}>
                  Cancel
                </Button>
              </Box>
            )}
            {form === 'create' && (
              <CreateWorkItemForm
                key={organizationId}
                issue={issue}
                organizationId={organizationId!}
                create={create}
                onCancel={() => setForm(undefined)}
              />
            )}
          </Box>
        )}
      </Section>

      {canUpdate && (
        <Section title="Comment">
          <CommentForm addComment={addComment} />
        </Section>
      )}

      <Box mt={3}>
        <Divider />
      </Box>
      <Section title="Activity">
        <IssueActivity
          items={activity.items}
          loading={activity.loading}
          error={activity.error}
        />
      </Section>
    </Box>
  );
}
