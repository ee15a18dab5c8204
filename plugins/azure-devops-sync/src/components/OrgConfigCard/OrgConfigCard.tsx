import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import {
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import LinearProgress from '@material-ui/core/LinearProgress';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import RefreshIcon from '@material-ui/icons/Refresh';
import Alert from '@material-ui/lab/Alert';
import {
  ANNOTATION_HOST_ORG,
  azureDevOpsSyncConfigUpdatePermission,
  selectOrganization,
  type Organization,
  type OrganizationSelection,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { ReactNode, useCallback } from 'react';
import {
  sameEntityRef,
  useIssueChanged,
  useOrganizations,
  useOrgConfig,
} from '../../hooks';
import { ConnectionHealth } from '../shared';
import { OrgConfigForm } from './OrgConfigForm';
import { OrganizationScope, annotationValueFor } from './OrganizationScope';

const TITLE = 'Azure DevOps Sync';

function SelectionProblem(props: {
  selection: Exclude<OrganizationSelection<Organization>, { kind: 'found' }>;
}) {
  const { selection } = props;
  let message: ReactNode;
  switch (selection.kind) {
    case 'none-connected':
      message =
        'No Azure DevOps organization is connected yet. An administrator can connect one on the Azure DevOps Sync page; then add the annotation below to pick it.';
      break;
    case 'ambiguous':
      message = `Several Azure DevOps organizations are connected (${selection.organizations
        .map(o => o.name)
        .join(
          ', ',
        )}), so this entity must name its own: add the annotation below with the organization's host and name, e.g. ${ANNOTATION_HOST_ORG}: ${annotationValueFor(
        selection.organizations[0],
      )}.`;
      break;
    case 'invalid-annotation':
      message = `The annotation ${ANNOTATION_HOST_ORG}: "${selection.annotation}" is not in the form host/organization, e.g. dev.azure.com/fabrikam.`;
      break;
    case 'not-connected':
      message = `The annotation ${ANNOTATION_HOST_ORG}: "${
        selection.annotation
      }" names the organization "${
        selection.orgName
      }", which is not connected to Backstage. ${
        selection.organizations.length
          ? `Connected organizations: ${selection.organizations
              .map(o => o.name)
              .join(', ')}.`
          : 'No organization is connected yet.'
      }`;
      break;
    default:
      message = undefined;
  }
  return (
    <>
      <Box mb={2}>
        <Alert
          severity={selection.kind === 'none-connected' ? 'info' : 'warning'}
        >
          {message}
        </Alert>
      </Box>
      <MissingAnnotationEmptyState annotation={ANNOTATION_HOST_ORG} />
    </>
  );
}

function OrganizationSettings(props: {
  organization: Organization;
  entityName: string;
  annotation?: string;
}) {
  const { organization, entityName, annotation } = props;
  const { config, loading, error, reload, save } = useOrgConfig(
    organization.id,
  );
  const permission = usePermission({
    permission: azureDevOpsSyncConfigUpdatePermission,
  });
  const canEdit =
    !permission.loading && permission.allowed && Boolean(config?.canUpdate);

  const refreshButton = (
    <Tooltip title="Refresh projects and states from Azure DevOps">
      <span>
        <IconButton
          aria-label="Refresh"
          disabled={loading}
          onClick={() => reload({ refresh: true })}
        >
          <RefreshIcon />
        </IconButton>
      </span>
    </Tooltip>
  );

  let body: ReactNode;
  if (!config && loading) {
    body = <Progress />;
  } else if (!config && error) {
    body = (
      <ResponseErrorPanel
        error={error}
        title="Could not load the sync settings"
      />
    );
  } else if (config) {
    body = (
      <>
        {loading && <LinearProgress aria-label="Refreshing" />}
        {error && (
          <Box mb={2}>
            <ResponseErrorPanel
              error={error}
              title="Could not refresh the sync settings"
            />
          </Box>
        )}
        {config.fields.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            This organization has no sync settings.
          </Typography>
        ) : (
          <OrgConfigForm config={config} canEdit={canEdit} onSave={save} />
        )}
      </>
    );
  }

  return (
    <InfoCard
      title={TITLE}
      subheader={organization.name}
      action={refreshButton}
    >
      <OrganizationScope
        organization={organization}
        entityName={entityName}
        annotation={annotation}
      />
      <Box mb={2}>
        <ConnectionHealth organization={organization} hideName />
      </Box>
      {body}
    </InfoCard>
  );
}

/**
 * The entity card: the entity's ADO organization, its connection health and
 * its sync settings (editable by users with the update permission). The
 * health reloads when the backend signals a change to one of the entity's
 * issues.
 *
 * @public
 */
export function OrgConfigCard() {
  const { entity } = useEntity();
  const organizations = useOrganizations();
  // A change to one of the entity's issues came through a delivery or went
  // out as a job: the connection health (last delivery) moved with it.
  const entityRef = stringifyEntityRef(entity);
  useIssueChanged(
    useCallback(s => sameEntityRef(s.entityRef, entityRef), [entityRef]),
    organizations.retry,
  );

  if (organizations.loading && !organizations.items) {
    return (
      <InfoCard title={TITLE}>
        <Progress />
      </InfoCard>
    );
  }
  if (organizations.error) {
    return (
      <InfoCard title={TITLE}>
        <ResponseErrorPanel
          error={organizations.error}
          title="Could not load the Azure DevOps organizations"
        />
      </InfoCard>
    );
  }

  const selection = selectOrganization(entity, organizations.items ?? []);
  if (selection.kind !== 'found') {
    return (
      <InfoCard title={TITLE}>
        <SelectionProblem selection={selection} />
      </InfoCard>
    );
  }
  return (
    <OrganizationSettings
      key={selection.organization.id}
      organization={selection.organization}
      entityName={entity.metadata.title ?? entity.metadata.name}
      annotation={selection.annotation}
    />
  );
}
