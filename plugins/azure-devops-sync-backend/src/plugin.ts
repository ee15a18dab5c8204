import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { azureDevOpsSyncPermissions } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { createStores } from './database/createStores';
import { createRouter } from './router/createRouter';
import { RouteAuthorizer } from './http/permissions';
import { createSyncServices } from './wiring/createSyncServices';
import { subscribeToAzureModule } from './service/eventsBridge';
import { readPluginSettings } from './service/PluginSettings';
import { scheduleSyncTasks } from './wiring/scheduleSyncTasks';

/**
 * Azure DevOps issue sync. Wiring only: stores, the ADO client factory, services, routes, the
 * inbox and outbox queues and the scheduled tasks.
 *
 * @public
 */
export const azureDevOpsSyncPlugin = createBackendPlugin({
  pluginId: 'azure-devops-sync',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        cache: coreServices.cache,
        scheduler: coreServices.scheduler,
        lifecycle: coreServices.lifecycle,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
        // Both have default implementations: without the signals or notifications backend
        // installed, signals go nowhere and notifications fail (logged once); nothing breaks.
        signals: signalsServiceRef,
        notifications: notificationService,
      },
      async init(deps) {
        const { config, httpRouter } = deps;
        const settings = readPluginSettings(config);
        const stores = await createStores({
          database: deps.database,
          preparedStatements: config.getOptionalBoolean(
            'azureDevOpsSync.database.preparedStatements',
          ),
        });
        const services = createSyncServices({ ...deps, settings, stores });
        const { queues } = services;
        await subscribeToAzureModule({
          ...deps,
          ...stores,
          onAccepted: queues.kickInbox,
        });

        deps.permissionsRegistry.addPermissions(azureDevOpsSyncPermissions);
        httpRouter.use(
          await createRouter({
            ...stores,
            ...services,
            authorizer: new RouteAuthorizer(deps.httpAuth, deps.permissions),
            catalog: deps.catalog,
            eventsService: deps.events,
            onDeliveryAccepted: queues.kickInbox,
            ackPriority: queues.ackPriority,
            onJobQueued: queues.kickOutbox,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });
        // Sentry SDKs: authenticated by the DSN's key, not by Backstage.
        httpRouter.addAuthPolicy({ path: '/sentry', allow: 'unauthenticated' });

        await scheduleSyncTasks({ ...deps, ...services, settings });
        deps.lifecycle.addShutdownHook(async () => {
          await queues.stop();
        });
      },
    });
  },
});
