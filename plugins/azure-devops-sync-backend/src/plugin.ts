import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { azureDevOpsSyncPermissions } from '@internal/plugin-azure-devops-sync-common';
import { DatabaseOrganizationStore } from './database/DatabaseOrganizationStore';
import { DatabaseOrgConfigStore } from './database/DatabaseOrgConfigStore';
import { createRouter } from './router/createRouter';
import { RouteAuthorizer } from './router/permissions';
import { AdoClientFactory } from './service/AdoClientFactory';
import { OrganizationConnector } from './service/OrganizationConnector';
import { OrgConfigService } from './service/OrgConfigService';
import { readPluginSettings } from './service/PluginSettings';
import { ProjectCatalogService } from './service/ProjectCatalogService';

/**
 * Azure DevOps issue sync. Wiring only: stores, the ADO client factory, services, routes and the
 * scheduled service hook check.
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
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
      },
      async init(deps) {
        const { config, logger, database, cache, scheduler, httpRouter } = deps;
        const settings = readPluginSettings(config);
        const organizations = await DatabaseOrganizationStore.create({
          database,
        });
        const configs = await DatabaseOrgConfigStore.create({ database });

        const clients = new AdoClientFactory({
          organizations,
          credentials: DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
            ScmIntegrations.fromConfig(config),
          ),
          settings,
          logger,
        });
        const catalogs = new ProjectCatalogService({
          clients,
          cache,
          concurrency: settings.concurrency,
          ttlMs: settings.cacheTtlMs,
        });
        const orgConfig = new OrgConfigService({
          organizations,
          configs,
          catalogs,
          issueSyncEnabled: settings.issueSyncEnabled,
          logger,
        });
        const connector = new OrganizationConnector({
          organizations,
          clients,
          settings,
          logger,
        });

        deps.permissionsRegistry.addPermissions(azureDevOpsSyncPermissions);
        httpRouter.use(
          await createRouter({
            organizations,
            clients,
            connector,
            orgConfig,
            authorizer: new RouteAuthorizer(deps.httpAuth, deps.permissions),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });

        // Connects configured organizations and recreates hooks ADO disabled; starts soon after
        // start-up and repeats, so an ADO that was down at start is picked up later.
        await scheduler.scheduleTask({
          id: 'azure-devops-sync-subscription-health',
          frequency: { minutes: 5 },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: () => connector.checkAll(),
        });
      },
    });
  },
});
