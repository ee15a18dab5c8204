export { useOrganizations } from './useOrganizations';
export { useOrgConfig } from './useOrgConfig';
export type { OrgConfigState } from './useOrgConfig';
export { useIssues } from './useIssues';
export { useDeliveries } from './useDeliveries';
