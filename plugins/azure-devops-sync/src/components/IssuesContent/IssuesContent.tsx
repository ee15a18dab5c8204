import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Chip from '@material-ui/core/Chip';
import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import MuiLink from '@material-ui/core/Link';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import {
  azureDevOpsSyncIssueUpdatePermission,
  selectOrganization,
  type Issue,
  type IssueStatus,
  type Organization,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useMemo, useState } from 'react';
import {
  useIssues,
  useIssueTrends,
  useOrganizations,
  useSelectedIssue,
} from '../../hooks';
import { IssueTrendCell, type IssueTrendsState } from '../IssueSparkline';
import { errorStatus } from '../../utils/errors';
import { formatDateTime, formatRelativeTime } from '../../utils/time';
import { IssueDetails } from './IssueDetails';
import { IssueStatusChip } from './IssueStatusChip';
import { WorkItemLinks } from './WorkItemLinks';

const STATUS_OPTIONS: Array<{ value: IssueStatus | ''; label: string }> = [
  { value: 'unresolved', label: 'Unresolved' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'ignored', label: 'Ignored' },
  { value: '', label: 'All' },
];

const LEVEL_COLORS: Record<string, 'primary' | 'secondary' | 'default'> = {
  fatal: 'secondary',
  error: 'secondary',
};

function When(props: { value: string }) {
  return (
    <Tooltip title={formatDateTime(props.value)}>
      <span>{formatRelativeTime(props.value, '—')}</span>
    </Tooltip>
  );
}

/** Short cells keep their words whole: the issue title and work items take the wrapping. */
const NO_WRAP = { whiteSpace: 'nowrap' } as const;

function IssueRow(props: {
  issue: Issue;
  trends: IssueTrendsState;
  canUpdate: boolean;
  onOpen: (issue: Issue) => void;
  onChange: (issue: Issue) => void;
}) {
  const { issue, canUpdate, onOpen, onChange } = props;
  return (
    <TableRow hover>
      <TableCell>
        <MuiLink
          component="button"
          variant="body2"
          align="left"
          onClick={() => onOpen(issue)}
        >
          {issue.title}
        </MuiLink>
        <Typography variant="caption" color="textSecondary" display="block">
          {issue.shortId}
          {issue.culprit ? ` · ${issue.culprit}` : ''}
        </Typography>
      </TableCell>
      <TableCell style={NO_WRAP}>
        <Box display="flex" flexDirection="column" style={{ gap: 4 }}>
          <IssueStatusChip issue={issue} />
          <Chip
            size="small"
            variant="outlined"
            color={LEVEL_COLORS[issue.level] ?? 'default'}
            label={issue.level}
          />
        </Box>
      </TableCell>
      <TableCell style={NO_WRAP} data-testid={`issue-assignee-${issue.id}`}>
        {issue.assignee ? (
          <EntityRefLink entityRef={issue.assignee} defaultKind="user" />
        ) : (
          <Typography variant="body2" color="textSecondary">
            Unassigned
          </Typography>
        )}
      </TableCell>
      <TableCell style={NO_WRAP}>
        <Typography variant="body2">
          {issue.timesSeen} {issue.timesSeen === 1 ? 'event' : 'events'}
        </Typography>
        <IssueTrendCell issueId={issue.id} state={props.trends} />
      </TableCell>
      <TableCell style={NO_WRAP}>
        <Typography variant="body2">
          <When value={issue.lastSeen} />
        </Typography>
        <Typography variant="caption" color="textSecondary">
          first <When value={issue.firstSeen} />
        </Typography>
      </TableCell>
      <TableCell>
        <WorkItemLinks
          issue={issue}
          canUpdate={canUpdate}
          onChange={onChange}
          compact
        />
      </TableCell>
    </TableRow>
  );
}

/** The organizations an entity's work items come from, its own first. */
function useLinkableOrganizations(): {
  organizations: Organization[];
  problem?: string;
} {
  const { entity } = useEntity();
  const { items, error } = useOrganizations();
  return useMemo(() => {
    if (error) {
      return {
        organizations: [],
        problem: `Could not load the Azure DevOps organizations: ${error.message}`,
      };
    }
    if (!items) {
      return { organizations: [] };
    }
    const selection = selectOrganization(entity, items);
    switch (selection.kind) {
      case 'found':
        return { organizations: [selection.organization] };
      case 'none-connected':
        return {
          organizations: [],
          problem:
            'No Azure DevOps organization is connected, so work items cannot be linked.',
        };
      default:
        return { organizations: items };
    }
  }, [entity, items, error]);
}

/**
 * The entity's issues and the Azure DevOps work items linked to them; open an
 * issue to change its status or assignee, link or create a work item,
 * comment, and see its activity.
 *
 * @public
 */
export function IssuesContent() {
  const { entity } = useEntity();
  const [status, setStatus] = useState<IssueStatus | ''>('unresolved');
  const { items, loading, error, retry, live } = useIssues(
    stringifyEntityRef(entity),
    status || undefined,
  );
  const trends = useIssueTrends(stringifyEntityRef(entity));
  const { allowed: canUpdate } = usePermission({
    permission: azureDevOpsSyncIssueUpdatePermission,
  });
  const linkable = useLinkableOrganizations();
  // A reload (after an action, a signal or Refresh) also refreshes the open issue.
  const { selected, setSelected } = useSelectedIssue(items, live);

  const onChange = useCallback(
    (issue: Issue) => {
      setSelected(issue);
      retry();
    },
    [retry, setSelected],
  );
  // A row action changes that row; the open issue, if another, stays open.
  const onRowChange = useCallback(
    (issue: Issue) => {
      if (selected?.id === issue.id) setSelected(issue);
      retry();
    },
    [retry, selected?.id, setSelected],
  );

  let body;
  if (loading && !items) {
    body = <Progress />;
  } else if (error && errorStatus(error) === 404) {
    body = (
      <EmptyState
        missing="info"
        title="Issue sync is not available yet"
        description="The Azure DevOps sync backend does not serve issues yet. Once it does, this entity's issues and their linked work items appear here."
      />
    );
  } else if (error) {
    body = (
      <ResponseErrorPanel error={error} title="Could not load the issues" />
    );
  } else if (!items || items.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No issues"
        description={
          status
            ? `This entity has no ${status} issues.`
            : 'No issues have been recorded for this entity.'
        }
      />
    );
  } else {
    body = (
      <Table size="small" aria-label="Issues">
        <TableHead>
          <TableRow>
            <TableCell>Issue</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Assignee</TableCell>
            <TableCell>Events (last 24 hours)</TableCell>
            <TableCell>Last seen</TableCell>
            <TableCell>Work items</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(issue => (
            <IssueRow
              key={issue.id}
              // The open issue may be newer than the list until it reloads.
              issue={selected?.id === issue.id ? selected : issue}
              trends={trends}
              canUpdate={canUpdate}
              onOpen={setSelected}
              onChange={onRowChange}
            />
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <>
      <InfoCard
        title="Azure DevOps issues"
        action={
          <Box display="flex" alignItems="center" style={{ gap: 8 }}>
            <TextField
              select
              size="small"
              variant="outlined"
              value={status}
              onChange={e => setStatus(e.target.value as IssueStatus | '')}
              SelectProps={{ native: true }}
              inputProps={{ 'aria-label': 'Status' }}
            >
              {STATUS_OPTIONS.map(o => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </TextField>
            <IconButton
              aria-label="Refresh issues"
              title="Refresh issues"
              size="small"
              disabled={loading}
              onClick={retry}
            >
              <RefreshIcon />
            </IconButton>
          </Box>
        }
      >
        {body}
      </InfoCard>
      <Drawer
        anchor="right"
        open={Boolean(selected)}
        onClose={() => setSelected(undefined)}
      >
        {selected && (
          <IssueDetails
            key={selected.id}
            issue={selected}
            canUpdate={canUpdate}
            organizations={linkable.organizations}
            organizationsProblem={linkable.problem}
            onChange={onChange}
            onClose={() => setSelected(undefined)}
          />
        )}
      </Drawer>
    </>
  );
}
