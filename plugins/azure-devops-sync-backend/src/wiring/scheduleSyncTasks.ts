import { SchedulerService } from '@backstage/backend-plugin-api';
import { SyncQueues } from '../queue/createSyncQueues';
import { OrganizationConnector } from '../service/OrganizationConnector';
import { PluginSettings } from '../service/PluginSettings';
import { Reconciler } from '../service/Reconciler';

/** The plugin's periodic work, on Backstage's scheduler. */
export async function scheduleSyncTasks(deps: {
  scheduler: SchedulerService;
  settings: PluginSettings;
  connector: OrganizationConnector;
  reconciler: Reconciler;
  queues: SyncQueues;
}): Promise<void> {
  const { scheduler, settings, connector, reconciler, queues } = deps;
  // Configured organizations are connected soon after start-up, and again every minute until
  // ADO answers; hooks ADO disabled are recreated by the slower health check.
  await scheduler.scheduleTask({
    id: 'azure-devops-sync-connect',
    frequency: { minutes: 1 },
    timeout: { minutes: 2 },
    initialDelay: { seconds: 5 },
    scope: 'global',
    fn: () => connector.connectConfigured(),
  });
  await scheduler.scheduleTask({
    id: 'azure-devops-sync-subscription-health',
    frequency: { minutes: settings.subscriptionCheckMinutes },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: () => connector.checkAll(),
  });
  await scheduler.scheduleTask({
    id: 'azure-devops-sync-reconcile',
    frequency: { minutes: settings.reconcileMinutes },
    timeout: { minutes: 15 },
    initialDelay: { minutes: 2 },
    scope: 'global',
    fn: async () => {
      await reconciler.run();
    },
  });
  // The sweeps: whatever a crash, a restart or a retry delay left behind. Local scope: every
  // replica sweeps, and row claims keep each delivery and job to one runner.
  await scheduler.scheduleTask({
    id: 'azure-devops-sync-queue-sweep',
    frequency: { seconds: 5 },
    timeout: { minutes: 5 },
    initialDelay: { seconds: 2 },
    scope: 'local',
    fn: () => queues.sweep(),
  });
}
