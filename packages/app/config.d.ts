export interface Config {
  app?: {
    /**
     * The demo portal reports its own frontend errors with `@sentry/browser`
     * when `dsn` is set (left out: no Sentry at all).
     */
    sentry?: {
      /**
       * A DSN from an entity's "Sentry SDK DSNs" card, or one built from a key
       * in `azureDevOpsSync.sdkIngest.keys`. A DSN's key is public by design:
       * it only lets the portal report errors onto that entity.
       * @visibility frontend
       */
      dsn?: string;
      /**
       * The catalog entity the DSN reports to, e.g.
       * `component:default/fabrikam-fiber-web`: the home page's test error
       * links to its issues.
       * @visibility frontend
       */
      entityRef?: string;
    };
  };
}
