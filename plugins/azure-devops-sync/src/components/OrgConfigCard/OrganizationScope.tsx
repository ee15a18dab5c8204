import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_HOST_ORG,
  type Organization,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useAdminPageLink } from '../../hooks/useAdminPageLink';

/** The annotation value that picks this organization, e.g. `dev.azure.com/fabrikam`. */
export function annotationValueFor(organization: Organization): string {
  let host = 'dev.azure.com';
  try {
    if (organization.domainName) {
      host = new URL(organization.domainName).host;
    }
  } catch {
    // Not a URL: keep the cloud host.
  }
  return `${host}/${organization.name}`;
}

/**
 * Says whose settings the card edits: the organization's, shared by every
 * entity linked to it, and why this entity uses that organization (its
 * annotation, or being the only one connected) with how to choose another.
 */
export function OrganizationScope(props: {
  organization: Organization;
  entityName: string;
  /** The entity's `dev.azure.com/host-org` annotation, when it picked the organization. */
  annotation?: string;
}) {
  const { organization, entityName, annotation } = props;
  const adminLink = useAdminPageLink();
  const code = (text: string) => (
    <Box component="code" fontFamily="monospace">
      {text}
    </Box>
  );
  return (
    <Box mb={2} data-testid="organization-scope">
      <Typography variant="body2">
        These settings belong to the Azure DevOps organization{' '}
        <strong>{organization.name}</strong> and apply to every entity linked to
        it, not only to {entityName}.{' '}
        {adminLink ? (
          <Link to={adminLink}>
            Organizations are managed on the admin page.
          </Link>
        ) : (
          'Organizations are managed on the Azure DevOps Sync admin page.'
        )}
      </Typography>
      <Typography variant="caption" color="textSecondary" component="p">
        {annotation ? (
          <>
            {entityName} uses {organization.name} because its annotation{' '}
            {code(`${ANNOTATION_HOST_ORG}: ${annotation}`)} names it.
          </>
        ) : (
          <>
            {entityName} uses {organization.name} because it is the only
            connected organization. To choose one when several are connected,
            add the annotation{' '}
            {code(
              `${ANNOTATION_HOST_ORG}: ${annotationValueFor(organization)}`,
            )}{' '}
            to the entity's catalog-info.yaml.
          </>
        )}
      </Typography>
    </Box>
  );
}
