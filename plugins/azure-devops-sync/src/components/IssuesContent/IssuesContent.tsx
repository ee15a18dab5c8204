import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type {
  Issue,
  IssueStatus,
} from '@internal/plugin-azure-devops-sync-common';
import { useState } from 'react';
import { useIssues } from '../../hooks';
import { errorStatus } from '../../utils/errors';
import { formatDateTime, formatRelativeTime } from '../../utils/time';

const STATUS_OPTIONS: Array<{ value: IssueStatus | ''; label: string }> = [
  { value: '', label: 'All' },
  { value: 'unresolved', label: 'Unresolved' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'ignored', label: 'Ignored' },
];

function IssueRow(props: { issue: Issue }) {
  const { issue } = props;
  return (
    <TableRow>
      <TableCell>
        <Typography variant="body2">{issue.title}</Typography>
        <Typography variant="caption" color="textSecondary">
          {issue.shortId}
          {issue.culprit ? ` · ${issue.culprit}` : ''}
        </Typography>
      </TableCell>
      <TableCell>
        <Chip size="small" label={issue.level} />
      </TableCell>
      <TableCell>{issue.status}</TableCell>
      <TableCell>{issue.assignee ?? 'Unassigned'}</TableCell>
      <TableCell align="right">{issue.timesSeen}</TableCell>
      <TableCell>
        <Tooltip title={formatDateTime(issue.lastSeen)}>
          <span>{formatRelativeTime(issue.lastSeen, '—')}</span>
        </Tooltip>
      </TableCell>
      <TableCell>
        {issue.links.length === 0
          ? '—'
          : issue.links.map(link => (
              <Box key={`${link.organizationId}-${link.workItemId}`}>
                <Link to={link.url} target="_blank" rel="noopener">
                  #{link.workItemId} {link.title}
                </Link>{' '}
                <Typography variant="caption" color="textSecondary">
                  ({link.state})
                </Typography>
              </Box>
            ))}
      </TableCell>
    </TableRow>
  );
}

/**
 * The entity's issues and the Azure DevOps work items linked to them.
 *
 * @public
 */
export function IssuesContent() {
  const { entity } = useEntity();
  const [status, setStatus] = useState<IssueStatus | ''>('unresolved');
  const { items, loading, error } = useIssues(
    stringifyEntityRef(entity),
    status || undefined,
  );

  let body;
  if (loading) {
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
            <TableCell>Level</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Assignee</TableCell>
            <TableCell align="right">Events</TableCell>
            <TableCell>Last seen</TableCell>
            <TableCell>Work items</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(issue => (
            <IssueRow key={issue.id} issue={issue} />
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <InfoCard
      title="Azure DevOps issues"
      action={
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
      }
    >
      {body}
    </InfoCard>
  );
}
