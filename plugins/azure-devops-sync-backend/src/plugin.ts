import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import {
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { azureDevOpsSyncPermissions } from '@internal/plugin-azure-devops-sync-common';
import { DatabaseEventStore } from './database/DatabaseEventStore';
import { DatabaseInboxStore } from './database/DatabaseInboxStore';
import { DatabaseIssueStore } from './database/DatabaseIssueStore';
import { DatabaseOrganizationStore } from './database/DatabaseOrganizationStore';
import { DatabaseOrgConfigStore } from './database/DatabaseOrgConfigStore';
import { DatabaseOutboxStore } from './database/DatabaseOutboxStore';
import { DatabaseSyncStateStore } from './database/DatabaseSyncStateStore';
import { startWalCheckpointer } from './database/walCheckpointer';
import { Drainer, STALE_CLAIM_MS } from './queue/Drainer';
import { INBOX_KICK_DELAY_MS, InboxProcessor } from './queue/InboxProcessor';
import { OutboxWorker } from './queue/OutboxWorker';
import { createRouter } from './router/createRouter';
import { RouteAuthorizer } from './router/permissions';
import { AdoClientFactory } from './service/AdoClientFactory';
import { OrganizationConnector } from './service/OrganizationConnector';
import { OrgConfigService } from './service/OrgConfigService';
import { readPluginSettings } from './service/PluginSettings';
import { ProjectCatalogService } from './service/ProjectCatalogService';
import { Reconciler } from './service/Reconciler';
import {
  ISSUE_CHANGED_TOPIC,
  subscribeToAzureModule,
} from './service/eventsBridge';
import { UserDirectory } from './service/UserDirectory';
import { WorkItemLinker } from './service/WorkItemLinker';

/**
 * Azure DevOps issue sync. Wiring only: stores, the ADO client factory, services, routes, the
 * inbox and outbox runners and the scheduled tasks.
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
      },
      async init(deps) {
        const { config, logger, database, cache, scheduler, httpRouter } = deps;
        const settings = readPluginSettings(config);

        const organizations = await DatabaseOrganizationStore.create({
          database,
        });
        const configs = await DatabaseOrgConfigStore.create({ database });
        const issues = await DatabaseIssueStore.create({ database });
        const events = await DatabaseEventStore.create({ database, issues });
        const inbox = await DatabaseInboxStore.create({
          database,
          preparedStatements:
            config.getOptionalBoolean(
              'azureDevOpsSync.database.preparedStatements',
            ) ?? false,
        });
        const outbox = await DatabaseOutboxStore.create({ database });
        const syncState = await DatabaseSyncStateStore.create({ database });
        const checkpointer = await startWalCheckpointer(
          await database.getClient(),
          message => logger.warn(`SQLite WAL checkpoint failed: ${message}`),
        );

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
        const users = new UserDirectory(deps.catalog, deps.auth);
        const connector = new OrganizationConnector({
          organizations,
          clients,
          settings,
          logger,
        });

        const inboxProcessor = new InboxProcessor({
          inbox,
          issues,
          configs,
          catalogs,
          users,
          syncState,
          requireOwnerMembership: settings.requireOwnerMembership,
          logger,
          onApplied: async (delivery, outcome) => {
            await deps.events.publish({
              topic: ISSUE_CHANGED_TOPIC,
              eventPayload: {
                organizationId: delivery.organizationId,
                workItemId: delivery.workItemId,
                revision: delivery.revision,
                outcome,
              },
            });
          },
        });
        const inboxRunner = new Drainer(
          'inbox',
          () => inboxProcessor.runOnce(),
          logger,
          INBOX_KICK_DELAY_MS,
          () => inbox.touch(inboxProcessor.id),
        );
        const outboxWorker = new OutboxWorker({
          outbox,
          issues,
          configs,
          clients,
          catalogs,
          users,
          syncState,
          logger,
        });
        const outboxRunner = new Drainer(
          'outbox',
          () => outboxWorker.runOnce(),
          logger,
          0,
          () => outbox.touch(outboxWorker.id),
        );

        await subscribeToAzureModule({
          events: deps.events,
          organizations,
          inbox,
          logger,
          onAccepted: () => inboxRunner.kick(),
        });

        deps.permissionsRegistry.addPermissions(azureDevOpsSyncPermissions);
        httpRouter.use(
          await createRouter({
            organizations,
            clients,
            connector,
            orgConfig: new OrgConfigService({
              organizations,
              configs,
              catalogs,
              issueSyncEnabled: settings.issueSyncEnabled,
              logger,
            }),
            authorizer: new RouteAuthorizer(deps.httpAuth, deps.permissions),
            inbox,
            outbox,
            issues,
            users,
            linker: new WorkItemLinker({
              issues,
              configs,
              clients,
              catalogs,
              appBaseUrl: settings.appBaseUrl,
            }),
            events,
            catalogs,
            catalog: deps.catalog,
            eventsService: deps.events,
            onDeliveryAccepted: () => inboxRunner.kick(),
            onJobQueued: () => outboxRunner.kick(),
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/webhooks',
          allow: 'unauthenticated',
        });

        // Configured organizations are connected soon after start-up, and again every minute
        // until ADO answers; hooks ADO disabled are recreated by the slower health check.
        await scheduler.scheduleTask({
          id: 'azure-devops-sync-connect',
          frequency: { minutes: 1 },
          timeout: { minutes: 2 },
          initialDelay: { seconds: 5 },
          scope: 'global',
          fn: () => connector.connectConfigured(),
        });
        await scheduler.scheduleTask({
          id: 'azure-devops-sync-subscription-health',
          frequency: { minutes: settings.subscriptionCheckMinutes },
          timeout: { minutes: 5 },
          initialDelay: { minutes: 1 },
          scope: 'global',
          fn: () => connector.checkAll(),
        });
        const reconciler = new Reconciler({
          organizations,
          issues,
          inbox,
          syncState,
          clients,
          catalogs,
          logger,
          onQueued: () => inboxRunner.kick(),
        });
        await scheduler.scheduleTask({
          id: 'azure-devops-sync-reconcile',
          frequency: { minutes: settings.reconcileMinutes },
          timeout: { minutes: 15 },
          initialDelay: { minutes: 2 },
          scope: 'global',
          fn: async () => {
            await reconciler.run();
          },
        });
        // The sweeps: whatever a crash, a restart or a retry delay left behind. Local scope: every
        // replica sweeps, and row claims keep each delivery and job to one runner.
        await scheduler.scheduleTask({
          id: 'azure-devops-sync-queue-sweep',
          frequency: { seconds: 5 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 2 },
          scope: 'local',
          fn: async () => {
            const stale = new Date(Date.now() - STALE_CLAIM_MS);
            await Promise.all([
              inbox.releaseStale(stale),
              outbox.releaseStale(stale),
            ]);
            await Promise.all([inboxRunner.drain(), outboxRunner.drain()]);
          },
        });
        deps.lifecycle.addShutdownHook(async () => {
          await Promise.all([inboxRunner.stop(), outboxRunner.stop()]);
          await checkpointer?.stop();
        });
      },
    });
  },
});
