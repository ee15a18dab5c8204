import { createPermission } from '@backstage/plugin-permission-common';

/** Change an organization's sync settings (`PUT /organizations/:id/config`). @public */
export const azureDevOpsSyncConfigUpdatePermission = createPermission({
  name: 'azure-devops-sync.config.update',
  attributes: { action: 'update' },
});

/** Connect a new ADO organization (`POST /organizations`). @public */
export const azureDevOpsSyncOrganizationCreatePermission = createPermission({
  name: 'azure-devops-sync.organization.create',
  attributes: { action: 'create' },
});

/** Read the delivery and job logs and replay failed ones. @public */
export const azureDevOpsSyncDeliveryManagePermission = createPermission({
  name: 'azure-devops-sync.delivery.manage',
  attributes: { action: 'update' },
});

/** Change an issue: status, assignee, links and comments. @public */
export const azureDevOpsSyncIssueUpdatePermission = createPermission({
  name: 'azure-devops-sync.issue.update',
  attributes: { action: 'update' },
});

/**
 * Create, list and revoke Sentry-SDK ingest keys (`/sdk-keys`): a key lets anyone holding its
 * DSN report events onto the entity. @public
 */
export const azureDevOpsSyncSdkKeyCreatePermission = createPermission({
  name: 'azure-devops-sync.sdk-key.create',
  attributes: { action: 'create' },
});

/** Every permission the plugin declares, for `permissionsRegistry.addPermissions`. @public */
export const azureDevOpsSyncPermissions = [
  azureDevOpsSyncConfigUpdatePermission,
  azureDevOpsSyncOrganizationCreatePermission,
  azureDevOpsSyncDeliveryManagePermission,
  azureDevOpsSyncIssueUpdatePermission,
  azureDevOpsSyncSdkKeyCreatePermission,
];
