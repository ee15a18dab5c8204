/*
 * The demo backend: auth (guest sign-in), the catalog with the demo entities, the events backend
 * (the event bus the sync plugin's events integration subscribes to), the permission framework,
 * signals and notifications (the sync plugin's live updates and alerts), the Azure DevOps sync
 * plugin, and the demo's sample data (src/demo).
 */
import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(import('./permissionPolicy'));
backend.add(import('@backstage/plugin-signals-backend'));
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@ado-sync/backstage-plugin-azure-devops-sync-backend'));
// The demo's first-start story (demoStory.enabled in app-config.yaml; AZURE_DEVOPS_SYNC_DEMO_SEED=0 skips it).
backend.add(import('./demo/demoStoryPlugin'));

backend.start();
