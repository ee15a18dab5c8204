import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { Stores } from '../database/createStores';
import { IssueService } from '../issues/IssueService';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { ISSUE_CHANGED_TOPIC } from '../service/eventsBridge';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { AckPriority } from './AckPriority';
import { Drainer, STALE_CLAIM_MS } from './Drainer';
import {
  INBOX_KICK_DELAY_MS,
  InboundEffects,
  InboxProcessor,
} from './InboxProcessor';
import { OutboxJobEnd, OutboxWorker } from './OutboxWorker';
import { OutboxJob } from '../database/OutboxStore';

/** The inbound (service hook deliveries) and outbound (ADO writes) queues and their runners. */
export interface SyncQueues {
  /** Wakes the inbox processor. */
  kickInbox(): void;
  /** Wakes the outbox worker. */
  kickOutbox(): void;
  /** Told of every webhook request, so applying gives way to acknowledging. */
  ackPriority: AckPriority;
  /** Releases claims of dead runners, then drains both queues. */
  sweep(): Promise<void>;
  stop(): Promise<void>;
}

export function createSyncQueues(deps: {
  stores: Stores;
  issueService: IssueService;
  clients: AdoClientFactory;
  catalogs: ProjectCatalogService;
  users: UserDirectory;
  events: EventsService;
  requireOwnerMembership: boolean;
  logger: LoggerService;
  /** After a delivery is applied (live updates, notifications). */
  onInboundApplied?: (
    delivery: { workItemId: number | null },
    effects: InboundEffects,
  ) => Promise<void>;
  /** After each run of an outbound job is stored. */
  onOutboundJobEnded?: (job: OutboxJob, end: OutboxJobEnd) => Promise<void>;
}): SyncQueues {
  const { stores, logger } = deps;
  const { inbox, outbox } = stores;
  const ackPriority = new AckPriority();
  const inboxProcessor = new InboxProcessor({
    ...stores,
    ...deps,
    ackPriority,
    onApplied: async (delivery, outcome, effects) => {
      await deps.onInboundApplied?.(delivery, effects);
      await deps.events.publish({
        topic: ISSUE_CHANGED_TOPIC,
        eventPayload: {
          organizationId: delivery.organizationId,
          workItemId: delivery.workItemId,
          revision: delivery.revision,
          outcome,
        },
      });
    },
  });
  const inboxRunner = new Drainer(
    'inbox',
    () => inboxProcessor.runOnce(),
    logger,
    INBOX_KICK_DELAY_MS,
    () => inbox.touch(inboxProcessor.id),
  );
  const outboxWorker = new OutboxWorker({
    ...stores,
    ...deps,
    onJobEnded: deps.onOutboundJobEnded,
  });
  const outboxRunner = new Drainer(
    'outbox',
    () => outboxWorker.runOnce(),
    logger,
    0,
    () => outbox.touch(outboxWorker.id),
  );
  return {
    kickInbox: () => inboxRunner.kick(),
    kickOutbox: () => outboxRunner.kick(),
    ackPriority,
    async sweep() {
      const stale = new Date(Date.now() - STALE_CLAIM_MS);
      await Promise.all([
        inbox.releaseStale(stale),
        outbox.releaseStale(stale),
      ]);
      await Promise.all([inboxRunner.drain(), outboxRunner.drain()]);
    },
    async stop() {
      await Promise.all([inboxRunner.stop(), outboxRunner.stop()]);
    },
  };
}
