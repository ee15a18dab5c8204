import { Progress, Table, type TableColumn } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  azureDevOpsSyncDeliveryManagePermission,
  type Delivery,
  type Organization,
} from '@internal/plugin-azure-devops-sync-common';
import { useMemo, useRef, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useDeliveries } from '../../hooks';
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

const FILTERS = [
  { column: 'Status', type: 'multiple-select' as const },
  { column: 'Event', type: 'select' as const },
];

/**
 * Every service hook delivery of one organization the backend keeps (newest
 * first), paged, sortable, searchable and filterable by status and event,
 * with replay for failed and skipped ones.
 */
export function DeliveriesTable(props: { organization: Organization }) {
  const { organization } = props;
  const { domainName } = organization;
  const api = useApi(azureDevOpsSyncApiRef);
  const classes = useTableBoxStyles();
  const permission = usePermission({
    permission: azureDevOpsSyncDeliveryManagePermission,
  });
  const { items, loading, error, retry } = useDeliveries(organization.id);
  const [replayed, setReplayed] = useState<string>();
  const dataKey = useDataKey(items);
  // The cells read these through a ref: new render functions would reset the table.
  const latest = useRef({ retry });
  latest.current = { retry };
  // Known before the table mounts (it waits for the permission).
  const canReplay = permission.allowed;
  const title = `Service hook deliveries: ${organization.name}`;
  // The table's toolbar leaves its title little room: the organization goes below it.
  const tableTitle = 'Service hook deliveries';

  const columns = useMemo<TableColumn<Delivery>[]>(
    () => [
      {
        title: 'Received',
        field: 'receivedAt',
        render: d => <When value={d.receivedAt} />,
        ...NO_WRAP,
      },
      {
        title: 'Event',
        field: 'eventType',
        // "workitem.updated" → "updated": every event here is about a work item.
        render: d => d.eventType.replace(/^workitem\./, ''),
        ...NO_WRAP,
      },
      {
        title: 'Work item',
        field: 'workItemId',
        type: 'numeric',
        align: 'left',
        render: d => (
          <WorkItemLink
            organization={{ domainName }}
            workItemId={d.workItemId}
          />
        ),
        ...NO_WRAP,
      },
      {
        title: 'Status',
        field: 'status',
        render: d => <SyncStatus status={d.status} />,
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
        customFilterAndSearch: (term: string, d: Delivery) =>
          `${d.lastError ?? ''} ${d.outcome ?? ''}`
            .toLowerCase()
            .includes(term.toLowerCase()),
        render: d =>
          d.lastError ? (
            <Typography variant="body2" color="error">
              {d.lastError}
            </Typography>
          ) : (
            d.outcome ?? '—'
          ),
        ...TEXT,
      },
      {
        title: 'Replay',
        hidden: !canReplay,
        sorting: false,
        searchable: false,
        render: d =>
          d.status === 'failed' || d.status === 'skipped' ? (
            <ReplayButton
              label={`Replay delivery ${d.id}`}
              replay={() => api.replayDelivery(d.id)}
              onReplayed={() => {
                setReplayed(d.id);
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
    return <LogUnavailable title={title} what="delivery log" error={error} />;
  }
  if (!items || permission.loading) {
    return <Progress />;
  }
  const failed = items.filter(d => d.status === 'failed').length;
  return (
    <Box className={classes.root}>
      {replayed && (
        <Box mb={1}>
          <Alert severity="success" onClose={() => setReplayed(undefined)}>
            Delivery {replayed} queued for replay.
          </Alert>
        </Box>
      )}
      <Table<Delivery>
        key={dataKey}
        title={tableTitle}
        subtitle={`${organization.name} · ${failed} failed of ${items.length}`}
        isLoading={loading}
        data={items}
        columns={columns}
        options={TABLE_OPTIONS}
        filters={FILTERS}
        emptyContent={
          <Box p={2}>
            <Typography variant="body2" color="textSecondary">
              No deliveries yet: Azure DevOps has not called the service hook.
            </Typography>
          </Box>
        }
      />
    </Box>
  );
}
