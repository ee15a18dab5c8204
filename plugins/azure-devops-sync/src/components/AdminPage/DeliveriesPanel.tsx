import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type {
  Delivery,
  Organization,
} from '@internal/plugin-azure-devops-sync-common';
import { useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { useDeliveries } from '../../hooks';
import { errorMessage, errorStatus } from '../../utils/errors';
import { formatDateTime, formatRelativeTime } from '../../utils/time';

function ReplayButton(props: { delivery: Delivery; onReplayed: () => void }) {
  const api = useApi(azureDevOpsSyncApiRef);
  const { delivery, onReplayed } = props;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const replay = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.replayDelivery(delivery.id);
      onReplayed();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button
        size="small"
        variant="outlined"
        color="primary"
        disabled={busy}
        onClick={replay}
        aria-label={`Replay delivery ${delivery.id}`}
      >
        {busy ? 'Replaying…' : 'Replay'}
      </Button>
      {error && (
        <Typography
          variant="caption"
          color="error"
          display="block"
          role="alert"
        >
          {error}
        </Typography>
      )}
    </>
  );
}

/** The failed service hook deliveries of one organization, with replay. */
export function DeliveriesPanel(props: { organization: Organization }) {
  const { organization } = props;
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
                <TableCell>{delivery.lastError ?? '—'}</TableCell>
                <TableCell align="right">
                  <ReplayButton
                    delivery={delivery}
                    onReplayed={() => {
                      setReplayed(delivery.id);
                      retry();
                    }}
                  />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
