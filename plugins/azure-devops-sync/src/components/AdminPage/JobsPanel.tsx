import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  azureDevOpsSyncDeliveryManagePermission,
  type Organization,
  type OutboundJob,
  type OutboundJobStatus,
} from '@internal/plugin-azure-devops-sync-common';
import { useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useJobs } from '../../hooks';
import { errorStatus } from '../../utils/errors';
import { formatDateTime, formatRelativeTime } from '../../utils/time';
import { ReplayButton } from './ReplayButton';

const STATUS_OPTIONS: Array<{ value: OutboundJobStatus | ''; label: string }> =
  [
    { value: 'failed', label: 'Failed' },
    { value: 'pending', label: 'Pending' },
    { value: 'running', label: 'Running' },
    { value: 'done', label: 'Done' },
    { value: 'skipped', label: 'Skipped' },
    { value: '', label: 'All' },
  ];

/** What the job changes in ADO, in a few words. */
export function describeJob(job: OutboundJob): string {
  const { payload } = job;
  switch (payload.kind) {
    case 'status':
      return `Set the state for ${payload.status}`;
    case 'assignee':
      return payload.userEntityRef
        ? `Assign to ${payload.userEntityRef}`
        : 'Unassign';
    case 'comment':
      return `Comment by ${payload.authorName}`;
    default:
      return 'Unknown change';
  }
}

/** The outbound job log of one organization (failed jobs first), with replay. */
export function JobsPanel(props: { organization: Organization }) {
  const { organization } = props;
  const api = useApi(azureDevOpsSyncApiRef);
  const [status, setStatus] = useState<OutboundJobStatus | ''>('failed');
  const { items, loading, error, retry } = useJobs(
    organization.id,
    status || undefined,
  );
  const { allowed: canReplay } = usePermission({
    permission: azureDevOpsSyncDeliveryManagePermission,
  });
  const [replayed, setReplayed] = useState<string>();

  let body;
  if (loading && !items) {
    body = <Progress />;
  } else if (error) {
    const code = errorStatus(error);
    if (code === 404) {
      body = (
        <Typography variant="body2" color="textSecondary">
          The outbound job log is not available from the backend yet.
        </Typography>
      );
    } else if (code === 403) {
      body = (
        <Typography variant="body2" color="textSecondary">
          You don't have permission to view the outbound jobs.
        </Typography>
      );
    } else {
      body = (
        <ResponseErrorPanel error={error} title="Could not load the jobs" />
      );
    }
  } else if (!items || items.length === 0) {
    body = (
      <Typography variant="body2" color="textSecondary">
        {status ? `No ${status} jobs.` : 'No outbound jobs.'}
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label={`Outbound jobs of ${organization.name}`}>
        <TableHead>
          <TableRow>
            <TableCell>Queued</TableCell>
            <TableCell>Work item</TableCell>
            <TableCell>Change</TableCell>
            <TableCell>Status</TableCell>
            <TableCell align="right">Attempts</TableCell>
            <TableCell>Error / outcome</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {items.map(job => (
            <TableRow key={job.id}>
              <TableCell>
                <Tooltip title={formatDateTime(job.createdAt)}>
                  <span>{formatRelativeTime(job.createdAt, '—')}</span>
                </Tooltip>
              </TableCell>
              <TableCell>#{job.workItemId}</TableCell>
              <TableCell>
                {job.payload.kind === 'comment' ? (
                  <Tooltip title={job.payload.text}>
                    <span>{describeJob(job)}</span>
                  </Tooltip>
                ) : (
                  describeJob(job)
                )}
              </TableCell>
              <TableCell>{job.status}</TableCell>
              <TableCell align="right">{job.attempts}</TableCell>
              <TableCell>
                {job.lastError && (
                  <Typography variant="body2" color="error">
                    {job.lastError}
                  </Typography>
                )}
                {job.outcome && (
                  <Typography variant="body2" color="textSecondary">
                    {job.outcome}
                  </Typography>
                )}
                {!job.lastError && !job.outcome && '—'}
              </TableCell>
              <TableCell align="right">
                {canReplay && job.status === 'failed' && (
                  <ReplayButton
                    label={`Replay job ${job.id}`}
                    replay={() => api.replayJob(job.id)}
                    onReplayed={() => {
                      setReplayed(job.id);
                      retry();
                    }}
                  />
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }

  return (
    <Box>
      <Box display="flex" justifyContent="flex-end" mb={1}>
        <TextField
          select
          size="small"
          variant="outlined"
          value={status}
          onChange={e => setStatus(e.target.value as OutboundJobStatus | '')}
          SelectProps={{ native: true }}
          inputProps={{ 'aria-label': 'Job status' }}
        >
          {STATUS_OPTIONS.map(o => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </TextField>
      </Box>
      {replayed && (
        <Box mb={1}>
          <Alert severity="success" onClose={() => setReplayed(undefined)}>
            Job {replayed} queued for replay.
          </Alert>
        </Box>
      )}
      {body}
    </Box>
  );
}
