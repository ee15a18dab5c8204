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
import { entityContentRouteRef, rootRouteRef } from './routes';

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
