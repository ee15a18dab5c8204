import { Link } from '@backstage/core-components';
import type { Organization } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { workItemUrl } from '../../utils/links';

/** `#N` linking to the work item in Azure DevOps (a new tab). */
export function WorkItemLink(props: {
  organization: Pick<Organization, 'domainName'>;
  workItemId: number | null;
}) {
  const { organization, workItemId } = props;
  if (workItemId === null) return <>—</>;
  const url = workItemUrl(organization, workItemId);
  return url ? (
    <Link to={url} target="_blank" rel="noopener">
      #{workItemId}
    </Link>
  ) : (
    <>#{workItemId}</>
  );
}
