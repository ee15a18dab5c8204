import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import azureDevOpsSyncPlugin from '@internal/plugin-azure-devops-sync/alpha';

/**
 * The demo portal (new frontend system). `@backstage/plugin-app`, which
 * createApp always adds, brings the layout, the sidebar (built from pages with
 * a title and icon) and a guest sign-in page.
 */
export default createApp({
  features: [catalogPlugin, userSettingsPlugin, azureDevOpsSyncPlugin],
});
