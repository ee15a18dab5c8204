import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  ISSUE_CHANGED_SIGNAL_CHANNEL,
  IssueChangedSignal,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { IssueStore } from '../database/IssueStore';

/**
 * Live updates: one broadcast signal per changed issue on ISSUE_CHANGED_SIGNAL_CHANNEL, so an
 * open issues tab, drawer or card refetches it. Broadcast, since anyone may have the entity
 * open; the message holds ids only, never issue content. Without the signals backend, the
 * default signals service publishes to an events topic nobody reads: nothing breaks.
 */
export class IssueSignals {
  constructor(
    private readonly deps: {
      signals: SignalsService;
      issues: Pick<IssueStore, 'entityRefOf'>;
      logger: LoggerService;
    },
  ) {}

  /** Signals each issue once; unknown ids (an issue deleted since) are left out. */
  async issuesChanged(
    issueIds: Iterable<string>,
    known: Array<{ id: string; entityRef: string }> = [],
  ): Promise<void> {
    for (const issueId of new Set(issueIds)) {
      const entityRef =
        known.find(i => i.id === issueId)?.entityRef ??
        (await this.deps.issues.entityRefOf(issueId));
      if (!entityRef) continue;
      try {
        await this.deps.signals.publish<IssueChangedSignal>({
          recipients: { type: 'broadcast' },
          channel: ISSUE_CHANGED_SIGNAL_CHANNEL,
          message: { issueId, entityRef },
        });
      } catch (error) {
        // A lost signal only delays the page until its next refetch.
        this.deps.logger.debug(
          `Signal for issue ${issueId} not published: ${error}`,
        );
      }
    }
  }
}
