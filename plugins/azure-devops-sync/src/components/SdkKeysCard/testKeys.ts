// SDK keys of the test entity (component:default/web), for the card's tests.
import type { SdkKey } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

export const ENTITY_REF = 'component:default/web';

export function sdkKey(
  publicKey: string,
  overrides: Partial<SdkKey> = {},
): SdkKey {
  return {
    publicKey,
    entityRef: ENTITY_REF,
    dsn: `http://${publicKey}@localhost:7007/api/azure-devops-sync/sentry/1234`,
    projectId: '1234',
    source: 'api',
    createdAt: '2026-12-03T10:00:00Z',
    createdBy: 'user:default/alice',
    ...overrides,
  };
}

export const configKey = sdkKey('c0ffee00c0ffee00c0ffee00c0ffee00', {
  source: 'config',
  createdAt: undefined,
  createdBy: undefined,
});
export const apiKey = sdkKey('a1b2c3d4a1b2c3d4a1b2c3d4a1b2c3d4');
