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
