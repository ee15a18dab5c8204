import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import { azureDevOpsSyncPlugin } from '../plugin';

export const TEST_PAT = 'pat-never-shown-0123456789';

/** The plugin in a test backend, with ADO at dev.azure.com (to be mocked with msw). */
export async function startPlugin(options: {
  knex: Knex;
  permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
  config?: JsonObject;
  withCredential?: boolean;
}) {
  const { server } = await startTestBackend({
    features: [
      azureDevOpsSyncPlugin,
      mockServices.database.factory({ knex: options.knex }),
      mockServices.permissions.factory({
        result: options.permission ?? AuthorizeResult.ALLOW,
      }),
      mockServices.rootConfig.factory({
        data: {
          backend: { baseUrl: 'http://localhost:7007' },
          integrations: {
            azure:
              options.withCredential === false
                ? []
                : [
                    {
                      host: 'dev.azure.com',
                      credentials: [{ personalAccessToken: TEST_PAT }],
                    },
                  ],
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
