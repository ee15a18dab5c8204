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
} from '@internal/plugin-azure-devops-sync-common';
import { useMemo, useRef, useState } from 'react';
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
  TEXT,
  When,
  useDataKey,
  useTableBoxStyles,
} from './tableStyles';
import { WorkItemLink } from './WorkItemLink';

/** A job with its issue (when it could be read) and what it changes, to sort, search and filter by. */
type JobRow = OutboundJob & {
  issue?: Issue;
  issueShortId: string;
  change: string;
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
  // The cells read these through a ref: new render functions would reset the table.
  const latest = useRef({ retry });
  latest.current = { retry };
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
        };
      }),
    [items, summaries.issues],
  );
  const dataKey = useDataKey(rows);

  const columns = useMemo<TableColumn<JobRow>[]>(
    () => [
      {
        title: 'Queued',
        field: 'createdAt',
        render: j => <When value={j.createdAt} />,
        ...NO_WRAP,
      },
      {
        title: 'Issue',
        field: 'issueShortId',
        render: j => <IssueCell job={j} />,
        ...NO_WRAP,
      },
      {
        title: 'Work item',
        field: 'workItemId',
        type: 'numeric',
        align: 'left',
        render: j => (
          <WorkItemLink
            organization={{ domainName }}
            workItemId={j.workItemId}
          />
        ),
        ...NO_WRAP,
      },
      {
        title: 'Change',
        field: 'change',
        render: j =>
          j.payload.kind === 'comment' ? (
            <Tooltip title={j.payload.text}>
              <span>{j.change}</span>
            </Tooltip>
          ) : (
            j.change
          ),
        ...NO_WRAP,
      },
      {
        title: 'Status',
        field: 'status',
        render: j => <SyncStatus status={j.status} />,
        ...NO_WRAP,
      },
      {
        title: 'Attempts',
        field: 'attempts',
        type: 'numeric',
        align: 'left',
        ...NO_WRAP,
      },
      {
        title: 'Error or outcome',
        field: 'lastError',
        sorting: false,
        customFilterAndSearch: (term: string, j: JobRow) =>
          `${j.lastError ?? ''} ${j.outcome ?? ''}`
            .toLowerCase()
            .includes(term.toLowerCase()),
        render: j => (
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
        ...TEXT,
      },
      {
        title: 'Replay',
        hidden: !canReplay,
        sorting: false,
        searchable: false,
        render: j =>
          j.status === 'failed' ? (
            <ReplayButton
              label={`Replay job ${j.id}`}
              replay={() => api.replayJob(j.id)}
              onReplayed={() => {
                setReplayed(j.id);
                latest.current.retry();
              }}
            />
          ) : null,
        ...NO_WRAP,
      },
    ],
    [domainName, api, canReplay],
  );

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
    <Box className={classes.root}>
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
        columns={columns}
        options={TABLE_OPTIONS}
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
