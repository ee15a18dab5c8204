import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import type { Organization } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { formatDateTime, formatRelativeTime } from '../../utils/time';
import { SubscriptionStatus } from './SubscriptionStatus';

const UNHEALTHY = new Set([
  'disabledByUser',
  'disabledBySystem',
  'disabledByInactiveIdentity',
  'missing',
]);

function Timestamp(props: { label: string; value: string | null }) {
  const { label, value } = props;
  return (
    <Typography variant="body2" color="textSecondary" component="span">
      {label}:{' '}
      {value ? (
        <Tooltip title={formatDateTime(value)}>
          <span>{formatRelativeTime(value)}</span>
        </Tooltip>
      ) : (
        'never'
      )}
    </Typography>
  );
}

/**
 * An organization's identity and connection health: the domain, the service
 * hook subscription state, the last health check and the last delivery.
 */
export function ConnectionHealth(props: {
  organization: Organization;
  /** Hide the organization name, e.g. when a card header already shows it. */
  hideName?: boolean;
}) {
  const { organization, hideName } = props;
  const { subscription } = organization;
  return (
    <Box data-testid="connection-health">
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 16 }}
      >
        {!hideName && (
          <Typography variant="subtitle1" component="span">
            {organization.name}
          </Typography>
        )}
        {organization.domainName && (
          <Link to={organization.domainName} target="_blank" rel="noopener">
            {organization.domainName}
          </Link>
        )}
        <Box display="flex" alignItems="center">
          <Typography
            variant="body2"
            color="textSecondary"
            component="span"
            style={{ marginRight: 4 }}
          >
            Service hook:
          </Typography>
          <SubscriptionStatus status={subscription?.status ?? 'unknown'} />
        </Box>
        <Timestamp
          label="Checked"
          value={subscription?.lastCheckedAt ?? null}
        />
        <Timestamp
          label="Last delivery"
          value={organization.lastDeliveryAt ?? null}
        />
      </Box>
      {organization.status === 'error' && (
        <Box mt={1}>
          <Alert severity="error">
            The connection to {organization.name} is failing
            {organization.statusReason ? `: ${organization.statusReason}` : '.'}
          </Alert>
        </Box>
      )}
      {organization.status !== 'error' &&
        UNHEALTHY.has(subscription?.status) && (
          <Box mt={1}>
            <Alert severity="warning">
              Azure DevOps is not sending work item updates (service hook{' '}
              {subscription.status === 'missing' ? 'missing' : 'disabled'}). The
              scheduled health check recreates it.
            </Alert>
          </Box>
        )}
    </Box>
  );
}
