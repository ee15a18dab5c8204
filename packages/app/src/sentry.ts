import {
  type ConfigApi,
  createFrontendFeatureLoader,
} from '@backstage/frontend-plugin-api';
import * as Sentry from '@sentry/browser';

/**
 * Starts `@sentry/browser` with `app.sentry.dsn`, if set: from then on the
 * portal's uncaught errors and unhandled rejections are reported to the
 * entity of that DSN, as any application's would be. Returns whether it
 * started.
 */
export function initSentry(config: ConfigApi): boolean {
  const dsn = config.getOptionalString('app.sentry.dsn');
  if (!dsn || Sentry.getClient()) {
    return Boolean(dsn);
  }
  Sentry.init({
    dsn,
    environment: process.env.NODE_ENV,
    // Dedupe drops an event identical to the one before it, so a second click
    // of the home page's test button would not count; here every error counts.
    integrations: defaults => defaults.filter(i => i.name !== 'Dedupe'),
  });
  return true;
}

/**
 * Starts Sentry while the app loads its features, the first moment the app's
 * config is at hand (it adds no feature).
 */
export const sentryFeatureLoader = createFrontendFeatureLoader({
  loader({ config }) {
    initSentry(config);
    return [];
  },
});

/**
 * Reports a test error, as the portal's code would meet one, and waits until
 * it is sent; resolves with its event id.
 */
export async function reportTestError(): Promise<string> {
  let eventId: string;
  try {
    throw new Error('Test error from the demo portal');
  } catch (error) {
    eventId = Sentry.captureException(error);
  }
  if (!(await Sentry.flush(10_000))) {
    throw new Error('The error could not be sent in 10 seconds');
  }
  return eventId;
}

/** Whether Sentry runs in this page. */
export function sentryStarted(): boolean {
  return Boolean(Sentry.getClient());
}
