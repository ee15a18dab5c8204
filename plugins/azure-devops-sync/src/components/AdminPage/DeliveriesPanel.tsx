import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { usePermission } from '@backstage/plugin-permission-react';
import {
  azureDevOpsSyncDeliveryManagePermission,
  type Organization,
} from '@internal/plugin-azure-devops-sync-common';
import { useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useDeliveries } from '../../hooks';
import { errorStatus } from '../../utils/errors';
import { formatDateTime, formatRelativeTime } from '../../utils/time';
import { ReplayButton } from './ReplayButton';

/** The failed service hook deliveries of one organization, with replay. */
export function DeliveriesPanel(props: { organization: Organization }) {
  const { organization } = props;
  const api = useApi(azureDevOpsSyncApiRef);
  const { allowed: canReplay } = usePermission({
    permission: azureDevOpsSyncDeliveryManagePermission,
  });
  const { items, loading, error, retry } = useDeliveries(
    organization.id,
    'failed',
  );
  const [replayed, setReplayed] = useState<string>();

  if (loading && !items) {
    return <Progress />;
  }
  if (error) {
    const status = errorStatus(error);
    if (status === 404) {
      return (
        <Typography variant="body2" color="textSecondary">
          The delivery log is not available from the backend yet.
        </Typography>
      );
    }
    if (status === 403) {
      return (
        <Typography variant="body2" color="textSecondary">
          You don't have permission to view the delivery log.
        </Typography>
      );
    }
    return (
      <ResponseErrorPanel error={error} title="Could not load the deliveries" />
    );
  }
  return (
    <Box>
      {replayed && (
        <Box mb={1}>
          <Alert severity="success" onClose={() => setReplayed(undefined)}>
            Delivery {replayed} queued for replay.
          </Alert>
        </Box>
      )}
      {!items || items.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No failed deliveries.
        </Typography>
      ) : (
        <Table
          size="small"
          aria-label={`Failed deliveries of ${organization.name}`}
        >
          <TableHead>
            <TableRow>
              <TableCell>Received</TableCell>
              <TableCell>Event</TableCell>
              <TableCell>Work item</TableCell>
              <TableCell align="right">Attempts</TableCell>
              <TableCell>Error</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(delivery => (
              <TableRow key={delivery.id}>
                <TableCell>
                  <Tooltip title={formatDateTime(delivery.receivedAt)}>
                    <span>{formatRelativeTime(delivery.receivedAt, '—')}</span>
                  </Tooltip>
                </TableCell>
                <TableCell>{delivery.eventType}</TableCell>
                <TableCell>
                  {delivery.workItemId === null
                    ? '—'
                    : `#${delivery.workItemId}${
                        delivery.revision !== null
                          ? ` rev ${delivery.revision}`
                          : ''
                      }`}
                </TableCell>
                <TableCell align="right">{delivery.attempts}</TableCell>
                <TableCell>
                  {delivery.lastError ?? delivery.outcome ?? '—'}
                </TableCell>
                <TableCell align="right">
                  {canReplay && (
                    <ReplayButton
                      label={`Replay delivery ${delivery.id}`}
                      replay={() => api.replayDelivery(delivery.id)}
                      onReplayed={() => {
                        setReplayed(delivery.id);
                        retry();
                      }}
                    />
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
