/**
 * Frontend plugin for Azure DevOps issue sync: the organization sync settings
 * card, the issues tab and the admin page (legacy frontend system; the new
 * system's plugin is the default export of `./alpha`).
 *
 * @packageDocumentation
 */
export {
  azureDevOpsSyncPlugin,
  AzureDevOpsSyncPage,
  EntityAzureDevOpsIssuesContent,
  EntityAzureDevOpsSdkKeysCard,
  EntityAzureDevOpsSyncCard,
  EntityAzureDevOpsWorkItemsContent,
} from './plugin';
export { isAzureDevOpsBoardsAvailable } from './components/WorkItemsContent/isAzureDevOpsBoardsAvailable';
export { azureDevOpsSyncApiRef, AzureDevOpsSyncClient } from './api';
export type { AzureDevOpsSyncApi, ListWorkItemsOptions } from './api';
export type * from '@ado-sync/backstage-plugin-azure-devops-sync-common';
