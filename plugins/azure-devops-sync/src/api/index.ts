export { azureDevOpsSyncApiRef } from './AzureDevOpsSyncApi';
export type { AzureDevOpsSyncApi } from './AzureDevOpsSyncApi';
export { AzureDevOpsSyncClient } from './AzureDevOpsSyncClient';
