import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import { AZURE_DEVOPS_SYNC_PLUGIN_ID } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import SyncIcon from '@material-ui/icons/Sync';
import { AzureDevOpsSyncClient, azureDevOpsSyncApiRef } from './api';
import { adminPageRouteRef } from './routes';
import { isAzureDevOpsBoardsAvailable } from './components/WorkItemsContent/isAzureDevOpsBoardsAvailable';

/** @alpha */
export const azureDevOpsSyncApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: azureDevOpsSyncApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new AzureDevOpsSyncClient({ discoveryApi, fetchApi }),
    }),
});

/** The sync settings card on Component, System and Group pages. @alpha */
export const azureDevOpsSyncEntityCard = EntityCardBlueprint.make({
  name: 'org-config',
  params: {
    filter: { kind: { $in: ['component', 'system', 'group'] } },
    loader: () =>
      import('./components/OrgConfigCard').then(m => <m.OrgConfigCard />),
  },
});

/** The Sentry SDK DSNs card on Component pages. @alpha */
export const azureDevOpsSyncSdkKeysEntityCard = EntityCardBlueprint.make({
  name: 'sdk-keys',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/SdkKeysCard').then(m => <m.SdkKeysCard />),
  },
});

/** The "Azure DevOps" tab on Component pages. @alpha */
export const azureDevOpsSyncEntityContent = EntityContentBlueprint.make({
  name: 'issues',
  params: {
    path: 'azure-devops-issues',
    title: 'Azure DevOps',
    filter: { kind: 'component' },
    loader: () =>
      import('./components/IssuesContent').then(m => (
        // The tab reads and writes ?issue= through React Router.
        <ReactRouterV6PageRouter>
          <m.IssuesContent />
        </ReactRouterV6PageRouter>
      )),
  },
});

/** The "Work items" (Azure Boards) tab on pages of entities with the project annotation. @alpha */
export const azureDevOpsSyncEntityWorkItemsContent =
  EntityContentBlueprint.make({
    name: 'work-items',
    params: {
      path: 'azure-devops-work-items',
      title: 'Work items',
      filter: isAzureDevOpsBoardsAvailable,
      loader: () =>
        import('./components/WorkItemsContent').then(m => (
          // Its issue links are React Router links.
          <ReactRouterV6PageRouter>
            <m.WorkItemsContent />
          </ReactRouterV6PageRouter>
        )),
    },
  });

/**
 * The admin page; its title and icon also make the sidebar item, hence the
 * short title ("Azure DevOps Sync" is cut to "Azure DevOps…" there).
 * @alpha
 */
export const azureDevOpsSyncPage = PageBlueprint.make({
  params: {
    path: '/azure-devops-sync',
    title: 'Azure DevOps',
    icon: <SyncIcon />,
    routeRef: adminPageRouteRef,
    loader: () =>
      import('./components/AdminPage').then(m => (
        <ReactRouterV6PageRouter>
          <m.AdminContent />
        </ReactRouterV6PageRouter>
      )),
  },
});

/**
 * The Azure DevOps sync plugin for the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: AZURE_DEVOPS_SYNC_PLUGIN_ID,
  title: 'Azure DevOps Sync',
  icon: <SyncIcon />,
  routes: { root: adminPageRouteRef },
  extensions: [
    azureDevOpsSyncApi,
    azureDevOpsSyncEntityCard,
    azureDevOpsSyncSdkKeysEntityCard,
    azureDevOpsSyncEntityContent,
    azureDevOpsSyncEntityWorkItemsContent,
    azureDevOpsSyncPage,
  ],
});
