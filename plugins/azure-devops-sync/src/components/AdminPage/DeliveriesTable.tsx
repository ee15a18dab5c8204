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
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useMemo, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useDeliveries } from '../../hooks';
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

/** A delivery with its error or outcome in one field, to search. */
type DeliveryRow = Delivery & { message: string };

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
  const rows = useMemo<DeliveryRow[] | undefined>(
    () => items?.map(d => ({ ...d, message: d.lastError ?? d.outcome ?? '' })),
    [items],
  );
  const dataKey = useDataKey(rows);
  // Known before the table mounts (it waits for the permission).
  const canReplay = permission.allowed;
  const title = `Service hook deliveries: ${organization.name}`;
  // The table's toolbar leaves its title little room: the organization goes below it.
  const tableTitle = 'Service hook deliveries';

  // Plain data: functions in the columns would reset the table (see useFieldCells).
  const columns = useMemo<TableColumn<DeliveryRow>[]>(
    () => [
      { title: 'Received', field: 'receivedAt', ...NO_WRAP },
      { title: 'Event', field: 'eventType', ...NO_WRAP },
      {
        title: 'Work item',
        field: 'workItemId',
        type: 'numeric',
        align: 'left',
        ...NO_WRAP,
      },
      { title: 'Status', field: 'status', ...NO_WRAP },
      {
        // Short: the table has little room.
        title: 'Tries',
        field: 'attempts',
        type: 'numeric',
        align: 'left',
        ...NO_WRAP,
      },
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
  const components = useFieldCells<DeliveryRow>({
    receivedAt: d => <When value={d.receivedAt} />,
    // "workitem.updated" → "updated": every event here is about a work item.
    eventType: d => d.eventType.replace(/^workitem\./, ''),
    workItemId: d => (
      <WorkItemLink organization={{ domainName }} workItemId={d.workItemId} />
    ),
    status: d => <SyncStatus status={d.status} />,
    message: d =>
      d.lastError ? (
        <Typography variant="body2" color="error">
          {d.lastError}
        </Typography>
      ) : (
        d.message || '—'
      ),
    id: d =>
      d.status === 'failed' || d.status === 'skipped' ? (
        <ReplayButton
          label={`Replay delivery ${d.id}`}
          replay={() => api.replayDelivery(d.id)}
          onReplayed={() => {
            setReplayed(d.id);
            retry();
          }}
        />
      ) : null,
  });

  if (error) {
    return <LogUnavailable title={title} what="delivery log" error={error} />;
  }
  if (!rows || permission.loading) {
    return <Progress />;
  }
  const failed = rows.filter(d => d.status === 'failed').length;
  return (
    <Box className={classes.root} data-testid="deliveries-table">
      {replayed && (
        <Box mb={1}>
          <Alert severity="success" onClose={() => setReplayed(undefined)}>
            Delivery {replayed} queued for replay.
          </Alert>
        </Box>
      )}
      <Table<DeliveryRow>
        key={dataKey}
        title={tableTitle}
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
              No deliveries yet: Azure DevOps has not called the service hook.
            </Typography>
          </Box>
        }
      />
    </Box>
  );
}
