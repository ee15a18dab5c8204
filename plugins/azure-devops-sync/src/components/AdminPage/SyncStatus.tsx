import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
} from '@backstage/core-components';
import type {
  DeliveryStatus,
  OutboundJobStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** A delivery's or job's status with Backstage's status colour, on one line. */
export function SyncStatus(props: {
  status: DeliveryStatus | OutboundJobStatus;
}) {
  const { status } = props;
  switch (status) {
    case 'applied':
    case 'done':
      return <StatusOK>{status}</StatusOK>;
    case 'failed':
      return <StatusError>{status}</StatusError>;
    case 'running':
      return <StatusRunning>{status}</StatusRunning>;
    case 'skipped':
      return <StatusAborted>{status}</StatusAborted>;
    default:
      return <StatusPending>{status}</StatusPending>;
  }
}
