import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { seedDemoStory } from './seedDemoStory';

/** `AZURE_DEVOPS_SYNC_DEMO_SEED=0` (or `false`) turns the story off whatever the config says. */
export function demoSeedDisabledByEnv(
  env: Record<string, string | undefined> = process.env,
): boolean {
  const value = env.AZURE_DEVOPS_SYNC_DEMO_SEED?.trim().toLowerCase();
  return value === '0' || value === 'false' || value === 'no';
}

/**
 * The demo's first-start story (`demoStory.enabled` in app-config.yaml): once the backend is up,
 * sample error events and transactions go through the sync plugin's real `POST /events`, and a
 * few of the resulting issues are linked to the emulator's work items. Runs in the background;
 * saving the same events again changes nothing, so restarts are no-ops.
 */
export const demoStoryPlugin = createBackendPlugin({
  pluginId: 'demo-story',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        lifecycle: coreServices.rootLifecycle,
      },
      async init({ config, logger, lifecycle }) {
        if (!config.getOptionalBoolean('demoStory.enabled')) return;
        if (demoSeedDisabledByEnv()) {
          logger.info(
            'Demo story skipped (AZURE_DEVOPS_SYNC_DEMO_SEED is off)',
          );
          return;
        }
        const organization =
          config.getOptionalString('demoStory.organization') ?? 'fabrikam';
        lifecycle.addStartupHook(() => {
          seedDemoStory({
            backendUrl: config.getString('backend.baseUrl'),
            organization,
            log: message => logger.info(message),
          }).catch(error =>
            logger.warn(`Demo story not saved: ${(error as Error).message}`),
          );
        });
      },
    });
  },
});

export default demoStoryPlugin;
