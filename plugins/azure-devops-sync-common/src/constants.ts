/** The plugin id, also the backend mount point `/api/azure-devops-sync`. @public */
export const AZURE_DEVOPS_SYNC_PLUGIN_ID = 'azure-devops-sync';

/**
 * Entity annotation naming the ADO organization, as `host/org` (e.g. `dev.azure.com/fabrikam`).
 * @public
 */
export const ANNOTATION_HOST_ORG = 'dev.azure.com/host-org';

/** Entity annotation naming the ADO project the entity's work lives in. @public */
export const ANNOTATION_PROJECT = 'dev.azure.com/project';

/** The config field names, in the order the settings form shows them. @public */
export const CONFIG_FIELD_NAMES = [
  'sync_status_forward',
  'sync_forward_assignment',
  'sync_comments',
  'sync_status_reverse',
  'sync_reverse_assignment',
] as const;

/** @public */
export type ConfigFieldName = (typeof CONFIG_FIELD_NAMES)[number];

/** The four boolean sync switches. @public */
export const BOOLEAN_CONFIG_FIELD_NAMES = [
  'sync_forward_assignment',
  'sync_comments',
  'sync_status_reverse',
  'sync_reverse_assignment',
] as const;

/** @public */
export type BooleanConfigFieldName =
  (typeof BOOLEAN_CONFIG_FIELD_NAMES)[number];

/** ADO state categories that count as "done" when a project has no explicit choice. @public */
export const DEFAULT_DONE_STATE_CATEGORIES = ['Resolved', 'Completed'] as const;

/** Message the reference integration gives for an incomplete mapping row. @public */
export const MAPPING_ROW_INCOMPLETE_MESSAGE =
  'Resolve and unresolve status are required.';

/**
 * Backstage signals channel the backend broadcasts on when an issue changed: an inbound ADO change
 * was applied, or an outbound job finished (done, skipped or failed). The message is
 * {@link IssueChangedSignal}; the frontend refetches that issue.
 * @public
 */
export const ISSUE_CHANGED_SIGNAL_CHANNEL = 'azure-devops-sync:issue-changed';

/** The message on {@link ISSUE_CHANGED_SIGNAL_CHANNEL}. @public */
export type IssueChangedSignal = {
  issueId: string;
  entityRef: string;
};
