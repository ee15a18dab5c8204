/**
 * Backstage backend plugin: Azure DevOps Boards issue sync.
 *
 * @packageDocumentation
 */
export { azureDevOpsSyncPlugin as default } from './plugin';
