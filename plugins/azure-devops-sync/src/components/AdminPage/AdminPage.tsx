import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  azureDevOpsSyncOrganizationCreatePermission,
  type Organization,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Fragment } from 'react';
import { useOrganizations } from '../../hooks';
import { SubscriptionStatus } from '../shared';
import { ConnectOrganizationForm } from './ConnectOrganizationForm';
import { DeliveriesTable } from './DeliveriesTable';
import { JobsTable } from './JobsTable';
import { PeopleSection } from './PeopleSection';
import { When } from './tableStyles';

function OrganizationsTable(props: { organizations: Organization[] }) {
  return (
    <Table size="small" aria-label="Connected organizations">
      <TableHead>
        <TableRow>
          <TableCell>Organization</TableCell>
          <TableCell>Connection</TableCell>
          <TableCell>Service hook</TableCell>
          <TableCell>Checked</TableCell>
          <TableCell>Last delivery</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.organizations.map(org => (
          <TableRow key={org.id}>
            <TableCell>
              <Typography variant="body2">{org.name}</Typography>
              {org.domainName && (
                <Link to={org.domainName} target="_blank" rel="noopener">
                  {org.domainName}
                </Link>
              )}
            </TableCell>
            <TableCell>
              {org.status === 'error' ? (
                <Typography variant="body2" color="error">
                  Error{org.statusReason ? `: ${org.statusReason}` : ''}
                </Typography>
              ) : (
                'Active'
              )}
            </TableCell>
            <TableCell>
              <SubscriptionStatus
                status={org.subscription?.status ?? 'unknown'}
              />
            </TableCell>
            <TableCell>
              <When value={org.subscription?.lastCheckedAt} empty="never" />
            </TableCell>
            <TableCell>
              <When value={org.lastDeliveryAt} empty="never" />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/**
 * The admin view: connected organizations and their health, connecting a new
 * one, and each organization's service hook deliveries and outbound jobs
 * (paged, sortable, filterable) with replay, and its people mappings. With
 * the content padding but without the header, for the new frontend system's
 * page (which draws it).
 *
 * @public
 */
export function AdminContent() {
  const organizations = useOrganizations();
  const canConnect = usePermission({
    permission: azureDevOpsSyncOrganizationCreatePermission,
  });

  let list;
  if (organizations.loading && !organizations.items) {
    list = <Progress />;
  } else if (organizations.error) {
    list = (
      <ResponseErrorPanel
        error={organizations.error}
        title="Could not load the organizations"
      />
    );
  } else if (!organizations.items?.length) {
    list = (
      <EmptyState
        missing="data"
        title="No organization connected"
        description="Connect an Azure DevOps organization to sync issues with its work items, or list it under azureDevOpsSync.organizations in app-config.yaml."
      />
    );
  } else {
    list = <OrganizationsTable organizations={organizations.items} />;
  }

  return (
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard title="Connected organizations">
            {list}
            {canConnect.allowed && (
              <Box mt={3}>
                <Typography variant="subtitle2" gutterBottom>
                  Connect an organization
                </Typography>
                <ConnectOrganizationForm onConnected={organizations.retry} />
              </Box>
            )}
          </InfoCard>
        </Grid>
        {organizations.items?.map(org => (
          <Fragment key={org.id}>
            <Grid item xs={12}>
              <DeliveriesTable organization={org} />
            </Grid>
            <Grid item xs={12}>
              <JobsTable organization={org} />
            </Grid>
            <Grid item xs={12}>
              <PeopleSection organization={org} />
            </Grid>
          </Fragment>
        ))}
      </Grid>
    </Content>
  );
}

/**
 * The admin page with its own header, for legacy apps.
 *
 * @public
 */
export function AdminPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Azure DevOps Sync"
        subtitle="Connected organizations, service hook health and deliveries"
      />
      <AdminContent />
    </Page>
  );
}
