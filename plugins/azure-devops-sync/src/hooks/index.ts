export { useOrganizations } from './useOrganizations';
export { useOrgConfig } from './useOrgConfig';
export type { OrgConfigState } from './useOrgConfig';
export { useIssues } from './useIssues';
export { useIssueActivity } from './useIssueActivity';
export { useCreateConfig } from './useCreateConfig';
export type { CreateConfigState } from './useCreateConfig';
export { useDeliveries } from './useDeliveries';
export { useJobs } from './useJobs';
