import {
  ANNOTATION_HOST_ORG,
  selectOrganization,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { Entity } from '@backstage/catalog-model';

/** Which connected organization an entity's Boards come from, or why none. */
export type EntityOrganization<T> =
  | { organization: T; reason?: undefined }
  | { organization?: undefined; reason: string };

/**
 * The organization the entity's `dev.azure.com/host-org` annotation names (names compare
 * case-insensitively, as in ADO), or the only connected one when it has no annotation.
 */
export function entityOrganization<T extends { name: string }>(
  entity: Entity,
  organizations: T[],
): EntityOrganization<T> {
  const selection = selectOrganization(entity, organizations);
  switch (selection.kind) {
    case 'found':
      return { organization: selection.organization };
    case 'none-connected':
      return { reason: 'No Azure DevOps organization is connected.' };
    case 'ambiguous':
      return {
        reason: `Several Azure DevOps organizations are connected: the entity must name one with the ${ANNOTATION_HOST_ORG} annotation.`,
      };
    case 'invalid-annotation':
      return {
        reason: `The ${ANNOTATION_HOST_ORG} annotation "${selection.annotation}" is not in the form host/organization, e.g. dev.azure.com/fabrikam.`,
      };
    case 'not-connected':
    default:
      return {
        reason: `The Azure DevOps organization ${selection.orgName} (from the ${ANNOTATION_HOST_ORG} annotation) is not connected.`,
      };
  }
}
