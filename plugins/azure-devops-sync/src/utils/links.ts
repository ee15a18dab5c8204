import { parseEntityRef } from '@backstage/catalog-model';
import type { Organization } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** The Azure DevOps tab on entity pages (alpha.tsx's entity content path). */
export const ISSUES_TAB_PATH = 'azure-devops-issues';

/** The app path of an issue: its entity's Azure DevOps tab with the issue open. */
export function issuePagePath(issue: {
  id: string;
  entityRef: string;
}): string {
  const { kind, namespace, name } = parseEntityRef(issue.entityRef);
  return `/catalog/${encodeURIComponent(namespace)}/${encodeURIComponent(
    kind.toLowerCase(),
  )}/${encodeURIComponent(name)}/${ISSUES_TAB_PATH}?issue=${encodeURIComponent(
    issue.id,
  )}`;
}

/**
 * A work item's page in Azure DevOps (`{org}/_workitems/edit/N`, which ADO
 * and the emulator both serve without the project), or undefined without the
 * organization's URL.
 */
export function workItemUrl(
  organization: Pick<Organization, 'domainName'>,
  workItemId: number,
): string | undefined {
  if (!organization.domainName) return undefined;
  const base = organization.domainName.endsWith('/')
    ? organization.domainName
    : `${organization.domainName}/`;
  return `${base}_workitems/edit/${workItemId}`;
}
