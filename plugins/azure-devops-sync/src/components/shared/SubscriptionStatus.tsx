import {
  StatusError,
  StatusOK,
  StatusPending,
  StatusWarning,
} from '@backstage/core-components';
import type { SubscriptionStatus as Status } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

const LABELS: Record<Status, string> = {
  enabled: 'Enabled',
  onProbation: 'On probation',
  disabledByUser: 'Disabled by a user',
  disabledBySystem: 'Disabled by Azure DevOps',
  disabledByInactiveIdentity: 'Disabled (inactive identity)',
  missing: 'Missing',
  unknown: 'Unknown',
};

/** Human text for a service hook subscription status. */
export function subscriptionStatusLabel(status: Status | string): string {
  return LABELS[status as Status] ?? status;
}

/** The service hook subscription status, with a traffic-light icon. */
export function SubscriptionStatus(props: { status: Status | string }) {
  const { status } = props;
  const label = subscriptionStatusLabel(status);
  switch (status) {
    case 'enabled':
      return <StatusOK>{label}</StatusOK>;
    case 'onProbation':
      return <StatusWarning>{label}</StatusWarning>;
    case 'unknown':
      return <StatusPending>{label}</StatusPending>;
    default:
      return <StatusError>{label}</StatusError>;
  }
}
