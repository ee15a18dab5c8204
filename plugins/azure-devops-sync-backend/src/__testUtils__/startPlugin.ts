import {
  BackendFeature,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import knexFactory, { Knex } from 'knex';
import type { Server } from 'node:http';
import { azureDevOpsSyncPlugin } from '../plugin';
import { DEMO_ENTITIES } from './demoEntities';

export { DEMO_ENTITIES };

export const TEST_PAT = 'pat-never-shown-0123456789';

/** The plugin in a test backend, with ADO at dev.azure.com (to be mocked with msw). */
export async function startPlugin(options: {
  knex: Knex;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  config?: JsonObject;
  withCredential?: boolean;
  entities?: Entity[];
  /** Run the scheduled tasks (queue sweep, hook check) once at start-up, as after a restart. */
  runScheduledTasksOnStart?: boolean;
  /** `integrations.azure`; a dev.azure.com PAT when absent. */
  integrations?: JsonObject[];
  /** More service factories, e.g. fake signals or notifications services. */
  features?: BackendFeature[];
  /** More root config beside `azureDevOpsSync`, e.g. another plugin's keys. */
  rootConfig?: JsonObject;
}): Promise<Server> {
  const { server } = await startTestBackend({
    features: [
      azureDevOpsSyncPlugin,
      ...(options.features ?? []),
      mockServices.scheduler.factory({
        includeInitialDelayedTasksOnStartup:
          options.runScheduledTasksOnStart ?? false,
        skipTaskRunOnStartup: !options.runScheduledTasksOnStart,
      }),
      catalogServiceMock.factory({
        entities: options.entities ?? DEMO_ENTITIES,
      }),
      pluginDatabases(options.knex),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          ...options.rootConfig,
          app: { baseUrl: 'http://localhost:3000' },
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: {
            azure:
              options.integrations ??
              (options.withCredential === false
                ? []
                : [
                    {
                      host: 'dev.azure.com',
                      credentials: [{ personalAccessToken: TEST_PAT }],
                    },
                  ]),
          },
          azureDevOpsSync: {
            webhookBaseUrl: 'https://backstage.example.com',
            client: { maxAttempts: 2 },
            ...(options.config ?? {}),
          },
        },
      }),
    ],
  });
  return server;
}

/**
 * The test database for this plugin; another plugin of the test backend (e.g. the events
 * backend) gets its own in-memory SQLite, so the two never run migrations in one schema.
 */
function pluginDatabases(knex: Knex) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => ({
      getClient: async () =>
        plugin.getId() === 'azure-devops-sync'
          ? knex
          : knexFactory({
              client: 'better-sqlite3',
              connection: ':memory:',
              useNullAsDefault: true,
            }),
    }),
  });
}
