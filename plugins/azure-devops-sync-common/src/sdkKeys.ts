/** Sentry-SDK ingest keys (`/sdk-keys`): a DSN per catalog entity. */

/** Where a key comes from: `azureDevOpsSync.sdkIngest.keys` in app-config, or `POST /sdk-keys`. @public */
export type SdkKeySource = 'config' | 'api';

/** One ingest key of an entity, as `GET /sdk-keys` and `POST /sdk-keys` answer it. @public */
export interface SdkKey {
  /** The DSN's user part: 32 hex digits. */
  publicKey: string;
  /** Canonical (lower-case) entity ref the SDK's events are saved on. */
  entityRef: string;
  /** `http(s)://<publicKey>@<backend host>/api/azure-devops-sync/sentry/<projectId>` */
  dsn: string;
  /** The DSN's numeric project id (derived from the entity ref; the same for all its keys). */
  projectId: string;
  source: SdkKeySource;
  /** ISO time; absent for config keys. */
  createdAt?: string;
  /** User entity ref of the creator; absent for config keys. */
  createdBy?: string;
}

/** `POST /sdk-keys` body. @public */
export interface CreateSdkKeyRequest {
  entityRef: string;
}

/** `GET /sdk-keys?entityRef=` answer: the entity's active keys (revoked keys are not listed). @public */
export interface SdkKeyList {
  items: SdkKey[];
}
