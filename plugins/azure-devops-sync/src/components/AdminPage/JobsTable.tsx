import {
  Link,
  Progress,
  Table,
  type TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  azureDevOpsSyncDeliveryManagePermission,
  type Issue,
  type Organization,
  type OutboundJob,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useMemo, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useJobs } from '../../hooks';
import { useIssueSummaries } from '../../hooks/useIssueSummaries';
import { issuePagePath } from '../../utils/links';
import { describeJob } from './describeJob';
import { LogUnavailable } from './LogUnavailable';
import { ReplayButton } from './ReplayButton';
import { SyncStatus } from './SyncStatus';
import {
  NO_WRAP,
  TABLE_OPTIONS,
  TABLE_STYLE,
  TEXT,
  When,
  useDataKey,
  useFieldCells,
  useTableBoxStyles,
} from './tableStyles';
import { WorkItemLink } from './WorkItemLink';

/** A job with its issue (when it could be read) and what it changes, to sort, search and filter by. */
type JobRow = OutboundJob & {
  issue?: Issue;
  issueShortId: string;
  change: string;
  /** The error and the outcome, to search. */
  message: string;
};

const FILTERS = [
  { column: 'Status', type: 'multiple-select' as const },
  { column: 'Change', type: 'select' as const },
];

function IssueCell(props: { job: JobRow }) {
  const { job } = props;
  if (!job.issue) return <>{job.issueShortId || '—'}</>;
  return (
    <Tooltip title={job.issue.title}>
      <Link to={issuePagePath(job.issue)}>{job.issue.shortId}</Link>
    </Tooltip>
  );
}

/**
 * The outbound job log of one organization (newest first): paged, sortable,
 * searchable and filterable by status and change, each job linked to its issue
 * and work item, with replay for failed jobs.
 */
export function JobsTable(props: { organization: Organization }) {
  const { organization } = props;
  const { domainName } = organization;
  const api = useApi(azureDevOpsSyncApiRef);
  const classes = useTableBoxStyles();
  const { items, loading, error, retry } = useJobs(organization.id);
  const permission = usePermission({
    permission: azureDevOpsSyncDeliveryManagePermission,
  });
  const issueIds = useMemo(() => (items ?? []).map(j => j.issueId), [items]);
  const summaries = useIssueSummaries(issueIds);
  const [replayed, setReplayed] = useState<string>();
  // Known before the table mounts (it waits for the permission).
  const canReplay = permission.allowed;
  const title = `Outbound jobs: ${organization.name}`;

  const rows = useMemo<JobRow[] | undefined>(
    () =>
      items?.map(job => {
        const issue = job.issueId
          ? summaries.issues.get(job.issueId)
          : undefined;
        return {
          ...job,
          issue,
          issueShortId: issue?.shortId ?? job.issueId ?? '',
          change: describeJob(job),
          message: [job.lastError, job.outcome].filter(Boolean).join(' '),
        };
      }),
    [items, summaries.issues],
  );
  const dataKey = useDataKey(rows);

  // Plain data: functions in the columns would reset the table (see useFieldCells).
  const columns = useMemo<TableColumn<JobRow>[]>(
    () => [
      { title: 'Queued', field: 'createdAt', ...NO_WRAP },
      { title: 'Issue', field: 'issueShortId', ...NO_WRAP },
      {
        title: 'Work item',
        field: 'workItemId',
        type: 'numeric',
        align: 'left',
        ...NO_WRAP,
      },
      // A few words: wraps between them.
      { title: 'Change', field: 'change' },
      { title: 'Status', field: 'status', ...NO_WRAP },
      { title: 'Error or outcome', field: 'message', sorting: false, ...TEXT },
      {
        title: 'Replay',
        field: 'id',
        sorting: false,
        searchable: false,
        hidden: !canReplay,
        ...NO_WRAP,
      },
    ],
    [canReplay],
  );
  const components = useFieldCells<JobRow>({
    createdAt: j => <When value={j.createdAt} />,
    issueShortId: j => <IssueCell job={j} />,
    workItemId: j => (
      <WorkItemLink organization={{ domainName }} workItemId={j.workItemId} />
    ),
    change: j =>
      j.payload.kind === 'comment' ? (
        <Tooltip title={j.payload.text}>
          <span>{j.change}</span>
        </Tooltip>
      ) : (
        j.change
      ),
    // The tries under the status: the table has no room for a column of them.
    status: j => (
      <>
        <SyncStatus status={j.status} />
        <Typography variant="caption" color="textSecondary" display="block">
          {j.attempts === 1 ? '1 try' : `${j.attempts} tries`}
        </Typography>
      </>
    ),
    message: j => (
      <>
        {j.lastError && (
          <Typography variant="body2" color="error">
            {j.lastError}
          </Typography>
        )}
        {j.outcome && (
          <Typography variant="body2" color="textSecondary">
            {j.outcome}
          </Typography>
        )}
        {!j.lastError && !j.outcome && '—'}
      </>
    ),
    id: j =>
      j.status === 'failed' ? (
        <ReplayButton
          label={`Replay job ${j.id}`}
          replay={() => api.replayJob(j.id)}
          onReplayed={() => {
            setReplayed(j.id);
            retry();
          }}
        />
      ) : null,
  });

  if (error) {
    return (
      <LogUnavailable title={title} what="outbound job log" error={error} />
    );
  }
  if (!rows || permission.loading || summaries.loading) {
    return <Progress />;
  }
  const failed = rows.filter(j => j.status === 'failed').length;
  return (
    <Box className={classes.root} data-testid="jobs-table">
      {replayed && (
        <Box mb={1}>
          <Alert severity="success" onClose={() => setReplayed(undefined)}>
            Job {replayed} queued for replay.
          </Alert>
        </Box>
      )}
      <Table<JobRow>
        key={dataKey}
        title="Outbound jobs"
        subtitle={`${organization.name} · ${failed} failed of ${rows.length}`}
        isLoading={loading}
        data={rows}
        components={components}
        columns={columns}
        options={TABLE_OPTIONS}
        style={TABLE_STYLE}
        filters={FILTERS}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2" color="textSecondary">
              No outbound jobs yet: nothing was changed on a linked issue.
            </Typography>
          </Box>
        }
      />
    </Box>
  );
}
