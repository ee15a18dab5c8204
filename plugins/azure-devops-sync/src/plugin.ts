import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { AZURE_DEVOPS_SYNC_PLUGIN_ID } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { AzureDevOpsSyncClient, azureDevOpsSyncApiRef } from './api';
import {
  entityContentRouteRef,
  entityWorkItemsRouteRef,
  rootRouteRef,
} from './routes';

/**
 * The Azure DevOps sync plugin for legacy apps. New-system apps use the
 * default export of `@ado-sync/backstage-plugin-azure-devops-sync/alpha`.
 *
 * @public
 */
export const azureDevOpsSyncPlugin = createPlugin({
  id: AZURE_DEVOPS_SYNC_PLUGIN_ID,
  apis: [
    createApiFactory({
      api: azureDevOpsSyncApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AzureDevOpsSyncClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    root: rootRouteRef,
    entityContent: entityContentRouteRef,
    entityWorkItems: entityWorkItemsRouteRef,
  },
});

/**
 * Entity card with the organization's connection health and sync settings.
 *
 * @public
 */
export const EntityAzureDevOpsSyncCard = azureDevOpsSyncPlugin.provide(
  createComponentExtension({
    name: 'EntityAzureDevOpsSyncCard',
    component: {
      lazy: () =>
        import('./components/OrgConfigCard').then(m => m.OrgConfigCard),
    },
  }),
);

/**
 * Entity card with the entity's Sentry SDK DSNs: copy them, create and revoke
 * (with the sdk-key permission).
 *
 * @public
 */
export const EntityAzureDevOpsSdkKeysCard = azureDevOpsSyncPlugin.provide(
  createComponentExtension({
    name: 'EntityAzureDevOpsSdkKeysCard',
    component: {
      lazy: () => import('./components/SdkKeysCard').then(m => m.SdkKeysCard),
    },
  }),
);

/**
 * Entity tab content listing the entity's issues and linked work items.
 *
 * @public
 */
export const EntityAzureDevOpsIssuesContent = azureDevOpsSyncPlugin.provide(
  createRoutableExtension({
    name: 'EntityAzureDevOpsIssuesContent',
    component: () =>
      import('./components/IssuesContent').then(m => m.IssuesContent),
    mountPoint: entityContentRouteRef,
  }),
);

/**
 * Entity tab content listing the entity's Azure Boards work items (needs the
 * `dev.azure.com/project` annotation; see `isAzureDevOpsBoardsAvailable`).
 *
 * @public
 */
export const EntityAzureDevOpsWorkItemsContent = azureDevOpsSyncPlugin.provide(
  createRoutableExtension({
    name: 'EntityAzureDevOpsWorkItemsContent',
    component: () =>
      import('./components/WorkItemsContent').then(m => m.WorkItemsContent),
    mountPoint: entityWorkItemsRouteRef,
  }),
);

/**
 * Admin page: organizations, connecting one, failed deliveries and outbound
 * jobs with replay.
 *
 * @public
 */
export const AzureDevOpsSyncPage = azureDevOpsSyncPlugin.provide(
  createRoutableExtension({
    name: 'AzureDevOpsSyncPage',
    component: () => import('./components/AdminPage').then(m => m.AdminPage),
    mountPoint: rootRouteRef,
  }),
);
