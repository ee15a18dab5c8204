export interface Config {
  /** Azure DevOps issue sync. Credentials are read from `integrations.azure`. */
  azureDevOpsSync?: {
    issueSync?: {
      /**
       * Feature gate. When false every config field is disabled with a reason.
       * @default true
       */
      enabled?: boolean;
    };
    /** Organizations connected at start-up (idempotent; `POST /organizations` connects more). */
    organizations?: Array<{
      /** ADO organization name, e.g. `fabrikam`. */
      name: string;
      /** Base URL, e.g. `https://dev.azure.com/fabrikam/`; defaults to that form. */
      baseUrl?: string;
    }>;
    /**
     * Host of the account lookup and profile calls.
     * @default https://app.vssps.visualstudio.com/
     */
    accountLookupBaseUrl?: string;
    /** Public base URL ADO service hooks call back; defaults to `backend.baseUrl`. */
    webhookBaseUrl?: string;
    /** ADO request tuning. */
    client?: {
      /** Per request timeout in ms. @default 30000 */
      timeoutMs?: number;
      /** Tries per request for 429/5xx. @default 5 */
      maxAttempts?: number;
      /** Concurrent state lookups per config build. @default 8 */
      concurrency?: number;
    };
    /** How long project and state lists are cached, in seconds. @default 300 */
    cacheTtlSeconds?: number;
    schedule?: {
      /** Minutes between service hook health checks. @default 360 */
      subscriptionCheckMinutes?: number;
      /** Minutes between reconciliations of linked work items with ADO. @default 60 */
      reconcileMinutes?: number;
    };
    inbound?: {
      /** Only assign users who are members of the group owning the issue's entity. */
      requireOwnerMembership?: boolean;
    };
    /**
     * Backstage notifications (needs `@backstage/plugin-notifications-backend`; without it,
     * sending fails with one logged warning and nothing else changes).
     */
    notifications?: {
      /** Master switch: false sends none of the notifications below. @default true */
      enabled?: boolean;
      /**
       * An outbound change (status, assignee, comment) that failed for good notifies the
       * owners of the issue's entity, with a link to the issue. @default true
       */
      onOutboundFailure?: boolean;
      /**
       * A linked work item resolved or reassigned in ADO notifies the issue's assignee.
       * @default true
       */
      onInboundChange?: boolean;
    };
    /**
     * Sentry SDKs reporting straight into the portal: `@sentry/node`, `@sentry/browser` and the
     * others post to a DSN `http(s)://<publicKey>@<backend host>/api/azure-devops-sync/sentry/<id>`
     * (`GET /sdk-keys` lists each key's DSN).
     */
    sdkIngest?: {
      /** False: the `/sentry/…` and `/sdk-keys` routes answer 404. @default true */
      enabled?: boolean;
      /**
       * Keys defined here, besides those created with `POST /sdk-keys`. They cannot be revoked
       * through the API: remove them here.
       */
      keys?: Array<{
        /**
         * The DSN's user part: 16 to 64 letters, digits, `-` or `_` (32 hex digits, as Sentry's,
         * is usual).
         * @visibility secret
         */
        publicKey: string;
        /** The catalog entity the SDK's events are saved on, e.g. `component:default/payments-api`. */
        entityRef: string;
      }>;
      rateLimit?: {
        /**
         * Events and transactions accepted per minute per entity (per backend replica): bursts up to
         * this many, then this rate; more is a 429 with `Retry-After` and `X-Sentry-Rate-Limits`.
         * @default 600
         */
        eventsPerMinute?: number;
      };
    };
    database?: {
      /**
       * PostgreSQL only: keep the webhook's accept statement prepared on each connection (a
       * named prepared statement), so PostgreSQL does not plan it again for every delivery.
       * Leave off behind PgBouncer in transaction-pooling mode before version 1.21, which
       * cannot route named statements.
       * @default false
       */
      preparedStatements?: boolean;
    };
  };
}
