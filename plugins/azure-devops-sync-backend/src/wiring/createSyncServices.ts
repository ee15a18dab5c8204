import {
  AuthService,
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultAzureDevOpsCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { Stores } from '../database/createStores';
import { DatabaseErrorEventStore } from '../errorEvents/DatabaseErrorEventStore';
import { ErrorEventIngestor } from '../errorEvents/ErrorEventIngestor';
import { IssueService } from '../issues/IssueService';
import { DatabaseSdkKeyStore } from '../sdkIngest/DatabaseSdkKeyStore';
import { EntityRateLimiter } from '../sdkIngest/EntityRateLimiter';
import { readSdkIngestSettings } from '../sdkIngest/SdkIngestSettings';
import { SdkKeyService } from '../sdkIngest/SdkKeyService';
import { createSyncQueues } from '../queue/createSyncQueues';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { OrganizationConnector } from '../service/OrganizationConnector';
import { OrgConfigService } from '../service/OrgConfigService';
import { PluginSettings } from '../service/PluginSettings';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { Reconciler } from '../service/Reconciler';
import { UserDirectory } from '../service/UserDirectory';
import { WorkItemLinker } from '../service/WorkItemLinker';
import { createChangeHooks } from './createChangeHooks';
import { BoardsService } from '../boards/BoardsService';

/**
 * The plugin's services over its stores: ADO clients from `integrations.azure` credentials,
 * the project catalog cache, the issue service and the sync queues it feeds.
 */
export function createSyncServices(deps: {
  config: Config;
  settings: PluginSettings;
  stores: Stores;
  logger: LoggerService;
  cache: CacheService;
  auth: AuthService;
  catalog: CatalogService;
  events: EventsService;
  signals: SignalsService;
  notifications: NotificationService;
}) {
  const { settings, stores, logger } = deps;
  const clients = new AdoClientFactory({
    organizations: stores.organizations,
    credentials: DefaultAzureDevOpsCredentialsProvider.fromIntegrations(
      ScmIntegrations.fromConfig(deps.config),
    ),
    settings,
    logger,
  });
  const catalogs = new ProjectCatalogService({
    clients,
    cache: deps.cache,
    concurrency: settings.concurrency,
    ttlMs: settings.cacheTtlMs,
  });
  const users = new UserDirectory(deps.catalog, deps.auth);
  const issueService = new IssueService({
    issues: stores.issues,
    outbox: stores.outbox,
    onQueued: kickOutbox,
  });
  const hooks = createChangeHooks({ ...deps, issues: stores.issues });
  const queues = createSyncQueues({
    stores,
    issueService,
    clients,
    catalogs,
    users,
    events: deps.events,
    requireOwnerMembership: settings.requireOwnerMembership,
    logger,
    onInboundApplied: hooks.onInboundApplied,
    onOutboundJobEnded: hooks.onOutboundJobEnded,
  });
  // The issue service wakes the outbox worker, which applies through the issue service.
  function kickOutbox() {
    queues.kickOutbox();
  }
  const sdkIngest = readSdkIngestSettings(deps.config);
  return {
    clients,
    catalogs,
    users,
    issueService,
    queues,
    errorEvents: new ErrorEventIngestor({
      store: new DatabaseErrorEventStore(stores.knex),
      issueService,
    }),
    sdkIngestEnabled: sdkIngest.enabled,
    // A module's own store, on the migrated client, as the error events' is.
    sdkKeys: new SdkKeyService({
      store: new DatabaseSdkKeyStore(stores.knex),
      settings: sdkIngest,
    }),
    sdkRateLimiter: new EntityRateLimiter(sdkIngest.eventsPerMinute),
    connector: new OrganizationConnector({
      organizations: stores.organizations,
      clients,
      settings,
      logger,
    }),
    orgConfig: new OrgConfigService({
      organizations: stores.organizations,
      configs: stores.configs,
      catalogs,
      issueSyncEnabled: settings.issueSyncEnabled,
      logger,
    }),
    boards: new BoardsService({
      organizations: stores.organizations,
      clients,
      people: stores.people,
      users,
      issues: stores.issues,
      statesTtlMs: settings.cacheTtlMs,
    }),
    linker: new WorkItemLinker({
      issueService,
      configs: stores.configs,
      clients,
      catalogs,
      appBaseUrl: settings.appBaseUrl,
    }),
    reconciler: new Reconciler({
      ...stores,
      clients,
      catalogs,
      logger,
      onQueued: queues.kickInbox,
    }),
  };
}
