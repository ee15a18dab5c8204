import { Config } from '@backstage/config';
import { canonicalEntityRef } from '../errorEvents/canonicalEntityRef';
import { PUBLIC_KEY_PATTERN } from './keyDigest';

/** `azureDevOpsSync.sdkIngest.*`, read once at start-up. */
export interface SdkIngestSettings {
  enabled: boolean;
  /** Keys from app-config: always active, never revocable through the API. */
  configKeys: Array<{ publicKey: string; entityRef: string }>;
  /** Events and transactions per minute per entity (a bucket refilled evenly over the minute). */
  eventsPerMinute: number;
  /** `backend.baseUrl`: the DSN's scheme, host and base path. */
  backendBaseUrl: string;
}

/** 10 events/s sustained per entity, bursts of 600: far above a healthy app, below a loop. */
export const DEFAULT_EVENTS_PER_MINUTE = 600;

export function readSdkIngestSettings(config: Config): SdkIngestSettings {
  const sdk = config.getOptionalConfig('azureDevOpsSync.sdkIngest');
  const configKeys = (sdk?.getOptionalConfigArray('keys') ?? []).map(
    (key, i) => {
      const publicKey = key.getString('publicKey');
      // Checked at start-up: a key that cannot stand in a DSN would silently never match.
      if (!PUBLIC_KEY_PATTERN.test(publicKey)) {
        throw new Error(
          `azureDevOpsSync.sdkIngest.keys[${i}].publicKey: expected 16 to 64 letters, digits, '-' or '_'`,
        );
      }
      return {
        publicKey,
        entityRef: canonicalEntityRef(key.getString('entityRef')),
      };
    },
  );
  const eventsPerMinute =
    sdk?.getOptionalNumber('rateLimit.eventsPerMinute') ??
    DEFAULT_EVENTS_PER_MINUTE;
  if (!(eventsPerMinute > 0)) {
    throw new Error(
      'azureDevOpsSync.sdkIngest.rateLimit.eventsPerMinute: expected a positive number',
    );
  }
  return {
    enabled: sdk?.getOptionalBoolean('enabled') ?? true,
    configKeys,
    eventsPerMinute,
    backendBaseUrl: config.getString('backend.baseUrl'),
  };
}
