import { useApi } from '@backstage/core-plugin-api';
import { useNotify } from '../../hooks/useNotify';
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
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useIssueActivity, useIssueChanged } from '../../hooks';
import { IssueActivity } from '../IssueActivity';
import { AssignControl } from './AssignControl';
import { CommentForm } from './CommentForm';
import {
  CreateWorkItemForm,
  type CreateWorkItemInput,
} from './CreateWorkItemForm';
import {
  addedWorkItemId,
  assignedMessage,
  issueFingerprint,
  statusChangedMessage,
} from './issueFeedback';
import { IssueStatusChip } from './IssueStatusChip';
import { LinkWorkItemForm } from './LinkWorkItemForm';
import { StatusActions } from './StatusActions';
import { WorkItemLinks } from './WorkItemLinks';

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

/**
 * One issue: its facts, the actions a user with the update permission may
 * take, and its activity timeline. Every action hands the updated issue to
 * `onChange` and says what it did in a transient alert (a failure shows next
 * to its control); the timeline reloads whenever the issue changes or the
 * backend signals a change to it.
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
  const notify = useNotify();
  const activity = useIssueActivity(issue.id);
  const [form, setForm] = useState<'link' | 'create'>();
  const [orgId, setOrgId] = useState(organizations[0]?.id);
  const organizationId =
    organizations.find(o => o.id === orgId)?.id ?? organizations[0]?.id;

  const { retry: reloadActivity } = activity;
  // Inbound comments change no issue field: the signal itself reloads.
  useIssueChanged(
    useCallback(s => s.issueId === issue.id, [issue.id]),
    reloadActivity,
  );
  // Whatever changed the issue (an action here, a signal, a poll) also
  // changed its timeline.
  const fingerprint = issueFingerprint(issue);
  const shown = useRef(fingerprint);
  useEffect(() => {
    if (shown.current !== fingerprint) {
      shown.current = fingerprint;
      reloadActivity();
    }
  }, [fingerprint, reloadActivity]);

  const done = useCallback(
    (message: string) => notify(message, 'success', { transient: true }),
    [notify],
  );

  const setStatus = useCallback(
    async (status: IssueStatus) => {
      const next = await api.updateIssue(issue.id, { status });
      onChange(next);
      done(statusChangedMessage(status, next));
    },
    [api, issue.id, onChange, done],
  );
  const assign = useCallback(
    async (assignee: string | null) => {
      onChange(await api.updateIssue(issue.id, { assignee }));
      done(assignedMessage(assignee));
    },
    [api, issue.id, onChange, done],
  );
  const link = useCallback(
    async (workItemId: number) => {
      onChange(
        await api.linkWorkItem(issue.id, {
          organizationId: organizationId!,
          workItemId,
        }),
      );
      setForm(undefined);
      done(`Linked work item #${workItemId}`);
    },
    [api, issue.id, organizationId, onChange, done],
  );
  const create = useCallback(
    async (input: CreateWorkItemInput) => {
      const next = await api.linkWorkItem(issue.id, {
        organizationId: organizationId!,
        create: input,
      });
      onChange(next);
      setForm(undefined);
      const created = addedWorkItemId(issue, next);
      done(
        created
          ? `Created work item #${created} and linked it`
          : 'Created the work item and linked it',
      );
    },
    [api, issue, organizationId, onChange, done],
  );
  const addComment = useCallback(
    async (text: string) => {
      await api.addComment(issue.id, text);
      reloadActivity();
      done('Comment added');
    },
    [api, issue.id, reloadActivity, done],
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
        <WorkItemLinks
          issue={issue}
          canUpdate={canUpdate}
          onChange={onChange}
        />
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
          hasMore={activity.hasMore}
          loadMore={activity.loadMore}
          loadingMore={activity.loadingMore}
          loadMoreError={activity.loadMoreError}
        />
      </Section>
    </Box>
  );
}
