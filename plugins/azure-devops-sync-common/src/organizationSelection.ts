import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_HOST_ORG } from './constants';

/** What the `dev.azure.com/host-org` annotation names. @public */
export interface HostOrg {
  host: string;
  org: string;
}

/**
 * Parses `dev.azure.com/fabrikam`, `fabrikam.visualstudio.com` (the org is the
 * sub-domain) or either with a scheme and a trailing slash.
 * @public
 */
export function parseHostOrg(value: string): HostOrg | undefined {
  const cleaned = value
    .trim()
    .replace(/^[a-z]+:\/\//i, '')
    .replace(/\/+$/, '');
  if (!cleaned) {
    return undefined;
  }
  const [host, org] = cleaned.split('/');
  if (org) {
    return { host: host.toLowerCase(), org };
  }
  const match = /^([^.]+)\.visualstudio\.com$/i.exec(host);
  if (match) {
    return { host: host.toLowerCase(), org: match[1] };
  }
  return undefined;
}

/** The outcome of picking an entity's organization. @public */
export type OrganizationSelection<T extends { name: string }> =
  | { kind: 'found'; organization: T; annotation?: string }
  /** The entity has no annotation and no organization is connected. */
  | { kind: 'none-connected' }
  /** The entity has no annotation and several organizations are connected. */
  | { kind: 'ambiguous'; organizations: T[] }
  /** The annotation cannot be parsed. */
  | { kind: 'invalid-annotation'; annotation: string }
  /** The annotation names an organization that is not connected. */
  | {
      kind: 'not-connected';
      annotation: string;
      orgName: string;
      organizations: T[];
    };

/**
 * Picks the organization an entity uses: the one its `dev.azure.com/host-org`
 * annotation names (org names compare case-insensitively, as in ADO), or the
 * only connected organization when the entity has no annotation. The frontend
 * and the backend pick it with this one function.
 * @public
 */
export function selectOrganization<T extends { name: string }>(
  entity: Entity,
  organizations: T[],
): OrganizationSelection<T> {
  const annotation = entity.metadata.annotations?.[ANNOTATION_HOST_ORG];
  if (!annotation || !annotation.trim()) {
    if (organizations.length === 1) {
      return { kind: 'found', organization: organizations[0] };
    }
    return organizations.length === 0
      ? { kind: 'none-connected' }
      : { kind: 'ambiguous', organizations };
  }

  const hostOrg = parseHostOrg(annotation);
  if (!hostOrg) {
    return { kind: 'invalid-annotation', annotation };
  }
  const wanted = hostOrg.org.toLowerCase();
  const organization = organizations.find(o => o.name.toLowerCase() === wanted);
  if (organization) {
    return { kind: 'found', organization, annotation };
  }
  return {
    kind: 'not-connected',
    annotation,
    orgName: hostOrg.org,
    organizations,
  };
}
