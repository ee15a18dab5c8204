import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { IssueStore } from '../database/IssueStore';
import { IssueNotifier } from '../notify/IssueNotifier';
import { IssueSignals } from '../notify/IssueSignals';
import { readNotificationSettings } from '../notify/NotificationSettings';
import type { InboundEffects } from '../queue/InboxProcessor';
import type { OutboxJob } from '../database/OutboxStore';
import type { OutboxJobEnd } from '../queue/OutboxWorker';

/** What the queues call once a delivery is applied or a job run is stored. */
export interface ChangeHooks {
  onInboundApplied(
    delivery: { workItemId: number | null },
    effects: InboundEffects,
  ): Promise<void>;
  onOutboundJobEnded(job: OutboxJob, end: OutboxJobEnd): Promise<void>;
}

/**
 * Signals (every applied delivery, every outbound run: the frontend shows pending, failed and
 * synced as they happen) and notifications (a final outbound failure, an ADO resolve or
 * reassignment) after changes the queues made.
 */
export function createChangeHooks(deps: {
  config: Config;
  issues: IssueStore;
  signals: SignalsService;
  notifications: NotificationService;
  logger: LoggerService;
}): ChangeHooks {
  const { issues, logger } = deps;
  const signals = new IssueSignals({ signals: deps.signals, issues, logger });
  const notifier = new IssueNotifier({
    notifications: deps.notifications,
    settings: readNotificationSettings(deps.config),
    issues,
    logger,
  });
  return {
    async onInboundApplied(delivery, effects) {
      const changed = effects.changes.map(c => c.issue);
      await signals.issuesChanged(effects.issueIds, changed);
      await notifier.inboundChanged(effects.changes, delivery.workItemId);
    },
    async onOutboundJobEnded(job, end) {
      if (job.issueId) await signals.issuesChanged([job.issueId]);
      if (end.status === 'failed')
        await notifier.outboundFailed(job, end.outcome);
    },
  };
}
