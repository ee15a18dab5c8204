export { azureDevOpsSyncApiRef } from './AzureDevOpsSyncApi';
export type {
  AzureDevOpsSyncApi,
  ListWorkItemsOptions,
} from './AzureDevOpsSyncApi';
export { AzureDevOpsSyncClient } from './AzureDevOpsSyncClient';
