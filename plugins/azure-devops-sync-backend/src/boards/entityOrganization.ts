import { ANNOTATION_HOST_ORG } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { Entity } from '@backstage/catalog-model';

/**
 * The organization name a `dev.azure.com/host-org` annotation names: `dev.azure.com/fabrikam`,
 * `fabrikam.visualstudio.com` (the org is the sub-domain), either with a scheme or a trailing
 * slash. Undefined when it is in neither form. (The frontend reads it the same way.)
 */
export function orgNameOfHostOrg(value: string): string | undefined {
  const cleaned = value
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  if (!cleaned) return undefined;
  const [host, org] = cleaned.split('/');
  if (org) return org;
  return /^([^.]+)\.visualstudio\.com$/i.exec(host)?.[1];
}

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
  const annotation = entity.metadata.annotations?.[ANNOTATION_HOST_ORG];
  if (!annotation?.trim()) {
    if (organizations.length === 1) return { organization: organizations[0] };
    return {
      reason:
        organizations.length === 0
          ? 'No Azure DevOps organization is connected.'
          : `Several Azure DevOps organizations are connected: the entity must name one with the ${ANNOTATION_HOST_ORG} annotation.`,
    };
  }
  const name = orgNameOfHostOrg(annotation);
  if (!name) {
    return {
      reason: `The ${ANNOTATION_HOST_ORG} annotation "${annotation}" is not in the form host/organization, e.g. dev.azure.com/fabrikam.`,
    };
  }
  const organization = organizations.find(
    o => o.name.toLowerCase() === name.toLowerCase(),
  );
  return organization
    ? { organization }
    : {
        reason: `The Azure DevOps organization ${name} (from the ${ANNOTATION_HOST_ORG} annotation) is not connected.`,
      };
}
