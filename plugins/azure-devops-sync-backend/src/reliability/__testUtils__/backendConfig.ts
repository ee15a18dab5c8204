import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { ConfigReader } from '@backstage/config';
import type { JsonObject } from '@backstage/types';

/**
 * Root config of a real backend process on 127.0.0.1 (the reliability suites' processes and the
 * webhook bench): one static access token, the emulator as the Azure DevOps integration and the
 * plugin's webhook pointed at this backend.
 */
export function localBackendConfig(options: {
  port: number;
  database: JsonObject;
  token: string;
  /** Subject of the static token, named in the backend's logs. */
  subject: string;
  emulatorHost: string;
  plugin?: JsonObject;
}) {
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const config = new ConfigReader({
    app: { baseUrl: 'http://127.0.0.1:3000' },
    backend: {
      baseUrl,
      listen: { host: '127.0.0.1', port: options.port },
      database: options.database,
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token: options.token, subject: options.subject },
          },
        ],
      },
    },
    integrations: {
      azure: [
        {
          host: options.emulatorHost,
          credentials: [{ personalAccessToken: 'demo-pat' }],
        },
      ],
    },
    azureDevOpsSync: { webhookBaseUrl: baseUrl, ...(options.plugin ?? {}) },
  });
  return createServiceFactory({
    service: coreServices.rootConfig,
    deps: {},
    factory: () => config,
  });
}
