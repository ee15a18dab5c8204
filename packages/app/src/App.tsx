import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import notificationsPlugin from '@backstage/plugin-notifications/alpha';
import signalsPlugin from '@backstage/plugin-signals/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import azureDevOpsSyncPlugin from '@ado-sync/backstage-plugin-azure-devops-sync/alpha';
import { homePlugin } from './home/homePlugin';
import { sentryFeatureLoader } from './sentry';

/**
 * The demo portal (new frontend system). `@backstage/plugin-app`, which
 * createApp always adds, brings the layout, the sidebar (built from pages with
 * a title and icon) and a guest sign-in page. Signals push the backend's
 * changes to open pages (issues refetch live); notifications lists what the
 * sync tells a user (a change that failed for good, a work item resolved or
 * reassigned in Azure DevOps). The home page at `/` is where the guest lands
 * after signing in. With `app.sentry.dsn` set the portal reports its own
 * errors through @sentry/browser (./sentry.ts).
 */
export default createApp({
  features: [
    // First, so that Sentry runs before the other features load.
    sentryFeatureLoader,
    homePlugin,
    catalogPlugin,
    userSettingsPlugin,
    signalsPlugin,
    notificationsPlugin,
    azureDevOpsSyncPlugin,
  ],
});
