import { LoggerService } from '@backstage/backend-plugin-api';
import pLimit from 'p-limit';
import type { ActivitySource } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { InboxDelivery, InboxStore } from '../database/InboxStore';
import { IssueStore, StoredIssueLink } from '../database/IssueStore';
import { OrgConfigStore } from '../database/OrgConfigStore';
import { SyncStateStore } from '../database/SyncStateStore';
import { AppliedIssueChange, IssueService } from '../issues/IssueService';
import {
  decideInbound,
  InboundDecision,
  InboundDelivery,
  InboundState,
} from '../sync/decideInbound';
import { PeopleStore } from '../database/PeopleStore';
import { inboundStatusAction } from '../sync/inboundStatus';
import { describeAdoError } from '../service/describeAdoError';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { BatchPeople } from './BatchPeople';
import { inboundDeliveryOf } from './inboundDelivery';
import { retryDelayMs } from './backoff';
import { AckPriority } from './AckPriority';

/** Deliveries of one batch applied at the same time. */
const APPLY_CONCURRENCY = 4;

/** A webhook's kick waits this long, so one run applies the deliveries of many requests. */
export const INBOX_KICK_DELAY_MS = 20;

type Result = { status: 'applied' | 'skipped'; outcome: string };

/** What an applied delivery did to issues, for live updates and notifications. */
export interface InboundEffects {
  /** Every issue the delivery reached (comment, status, assignee, link). */
  issueIds: string[];
  /** Status and assignee changes it made, one per issue and kind. */
  changes: AppliedIssueChange[];
}
type AdoSource = ActivitySource & { kind: 'azure-devops' };
type Config = Awaited<ReturnType<OrgConfigStore['get']>>;

/**
 * Applies stored service hook deliveries in revision order per work item: loads what the
 * inbound rules need, lets `decideInbound` (pure) say what changes, and applies that through
 * the issue service. Claims, retries and the final state of each delivery live here.
 */
export class InboxProcessor {
  readonly id = `inbox-${process.pid}-${Math.random()
    .toString(36)
    .slice(2, 8)}`;

  constructor(
    private readonly deps: {
      inbox: InboxStore;
      issues: IssueStore;
      issueService: IssueService;
      configs: OrgConfigStore;
      catalogs: ProjectCatalogService;
      users: UserDirectory;
      /** The organization's people mapping, consulted before e-mails. */
      people: PeopleStore;
      syncState: SyncStateStore;
      requireOwnerMembership: boolean;
      logger: LoggerService;
      /** Gives webhook acknowledgements the event loop first. */
      ackPriority: AckPriority;
      maxAttempts?: number;
      batchSize?: number;
      /** After an applied delivery is finished; a failure here is logged, never retried. */
      onApplied?: (
        delivery: InboxDelivery,
        outcome: string,
        effects: InboundEffects,
      ) => Promise<void>;
    },
  ) {
    this.batchPeople = new BatchPeople(deps);
  }

  /** Organization settings read once per batch, not once per delivery. */
  private batchConfigs = new Map<string, Promise<Config>>();
  /** Who the batch's ADO identities are in the catalog, each looked up once per batch. */
  private batchPeople: BatchPeople;

  async runOnce(): Promise<number> {
    this.batchConfigs = new Map();
    this.batchPeople = new BatchPeople(this.deps);
    const deliveries = await this.deps.inbox.claim(
      this.id,
      this.deps.batchSize ?? 100,
    );
    // A claimed batch holds at most one delivery per work item (the first open one), so they
    // are independent: apply a few at once, which PostgreSQL's pool turns into real overlap.
    const limit = pLimit(APPLY_CONCURRENCY);
    await Promise.all(
      deliveries.map(delivery => limit(() => this.run(delivery))),
    );
    return deliveries.length;
  }

  private async run(delivery: InboxDelivery): Promise<void> {
    const { inbox, logger } = this.deps;
    await this.deps.ackPriority.turn();
    const effects: InboundEffects = { issueIds: [], changes: [] };
    let result: Result;
    try {
      result = await this.process(delivery, effects);
      await inbox.finish(delivery.id, result.status, result.outcome);
    } catch (error) {
      const message = describeAdoError(error);
      const retryAt =
        delivery.attempts < (this.deps.maxAttempts ?? 8)
          ? new Date(
              Date.now() + retryDelayMs(delivery.attempts, { baseMs: 2000 }),
            )
          : null;
      logger.warn(
        `Delivery ${delivery.id} (${delivery.eventType} #${
          delivery.workItemId
        } rev ${delivery.revision}) ${
          retryAt ? 'will be retried' : 'failed'
        }: ${message}`,
      );
      await inbox.retryOrFail(delivery.id, message, retryAt);
      return;
    }
    if (result.status !== 'applied' || !this.deps.onApplied) return;
    try {
      await this.deps.onApplied(delivery, result.outcome, effects);
    } catch (error) {
      // The delivery is finished: a failed signal or notification must not run it again.
      logger.warn(`After delivery ${delivery.id}: ${describeAdoError(error)}`);
    }
  }

  private async process(
    delivery: InboxDelivery,
    effects: InboundEffects,
  ): Promise<Result> {
    const inbound = inboundDeliveryOf(delivery);
    if (typeof inbound === 'string')
      return { status: 'skipped', outcome: inbound };
    const state = await this.load(delivery.organizationId, inbound);
    const decision = decideInbound(inbound, state);
    if (decision.kind !== 'skip') {
      effects.issueIds = [...new Set(decision.links.map(l => l.issueId))];
    }
    // Not for the echo of our own assignment: its identity is the one we chose, a catalog user's.
    const assigneeHandled =
      decision.kind === 'apply' && (decision.assignee || decision.echo);
    if (decision.kind !== 'delete' && !assigneeHandled) {
      await this.noteNewAssignee(delivery.organizationId, inbound);
    }
    return this.apply(delivery.organizationId, inbound, decision, effects);
  }

  /**
   * A delivery that assigns the work item to someone, when nothing is assigned from it (no
   * linked issue, or ADO → Backstage assignment off): an identity no catalog user matches still
   * becomes a suggestion for the people mapping. Only deliveries that change the assignee look
   * anything up.
   */
  private async noteNewAssignee(
    organizationId: string,
    inbound: InboundDelivery,
  ): Promise<void> {
    const value = inbound.changes['System.AssignedTo']?.newValue;
    if (value === undefined || value === null || value === '') return;
    await this.batchPeople.assigneeCandidates(organizationId, value);
  }

  private async load(
    organizationId: string,
    delivery: InboundDelivery,
  ): Promise<InboundState> {
    const { issues, syncState } = this.deps;
    const { workItemId, revision } = delivery;
    const links = await issues.linksForWorkItem(organizationId, workItemId);
    if (links.length === 0) {
      // Nothing to apply to: decideInbound skips it without reading the rest.
      const config = {
        sync_status_reverse: false,
        sync_reverse_assignment: false,
      };
      return { links, lastAppliedRevision: 0, written: new Map(), config };
    }
    const config = await this.config(organizationId);
    const lastAppliedRevision = await syncState.lastAppliedRevision(
      organizationId,
      workItemId,
    );
    // Our writes since the last applied revision: earlier ones (the issue already holds those
    // values: the baseline), this revision (its echo) and later ones (they replaced its values).
    const written = revision
      ? await syncState.writtenRevisions(
          organizationId,
          workItemId,
          Math.min(revision, lastAppliedRevision + 1),
        )
      : new Map();
    return { links, lastAppliedRevision, written, config };
  }

  private async apply(
    organizationId: string,
    delivery: InboundDelivery,
    decision: InboundDecision,
    effects: InboundEffects,
  ): Promise<Result> {
    const { issueService, syncState } = this.deps;
    const { workItemId, revision } = delivery;
    if (decision.kind === 'skip')
      return { status: 'skipped', outcome: decision.outcome };
    const actor = await this.batchPeople.actorOf(delivery);
    const source: AdoSource = {
      kind: 'azure-devops',
      organizationId,
      workItemId,
      revision,
      ...(actor ? { actor } : {}),
    };
    if (decision.kind === 'delete') {
      await issueService.markWorkItemDeleted(decision.links, source);
      return {
        status: 'applied',
        outcome: 'Work item deleted: links marked broken',
      };
    }

    const outcomes: string[] = [];
    if (decision.comment) {
      await issueService.recordInboundComment(
        decision.links,
        decision.comment,
        source,
      );
      outcomes.push('comment recorded');
    }
    if (decision.stale) outcomes.push(decision.stale);
    if (decision.state) {
      outcomes.push(
        await this.applyState(
          delivery,
          decision.links,
          decision.state,
          source,
          effects,
        ),
      );
    }
    if (decision.assignee) {
      outcomes.push(
        await this.applyAssignee(
          organizationId,
          decision.links,
          decision.assignee,
          source,
          effects,
        ),
      );
    }
    if (decision.snapshot?.broken === false) {
      outcomes.push('work item restored: links no longer broken');
    }
    // Only once the change is applied: a retry must still see the values it started from.
    if (decision.snapshot) {
      await issueService.recordWorkItemSnapshot(
        organizationId,
        workItemId,
        decision.snapshot,
      );
    }
    if (decision.markApplied) {
      await syncState.markApplied(
        organizationId,
        workItemId,
        decision.markApplied,
      );
    }
    if (decision.echo && outcomes.length === 0) {
      return {
        status: 'skipped',
        outcome: `Echo of our own change (revision ${revision})`,
      };
    }
    return {
      status: 'applied',
      outcome:
        outcomes.length > 0
          ? outcomes.join('; ')
          : 'Nothing to sync in this change',
    };
  }

  private async applyState(
    delivery: InboundDelivery,
    links: StoredIssueLink[],
    change: { from: string | null; to: string },
    source: AdoSource,
    effects: InboundEffects,
  ): Promise<string> {
    const config = await this.config(source.organizationId);
    const done = await this.deps.catalogs.doneStates(
      source.organizationId,
      delivery.projectId ?? links[0].projectId ?? undefined,
      config.inbound_done_states,
    );
    const action = inboundStatusAction(change.from, change.to, done);
    if (action === 'noop') {
      return `state ${change.from ?? '(none)'} → ${
        change.to
      } changes no status`;
    }
    const status = action === 'resolve' ? 'resolved' : 'unresolved';
    let changed = 0;
    for (const link of links) {
      const result = await this.deps.issueService.applyChange(
        link.issueId,
        { status },
        { source, sendToAdo: false },
      );
      if (result.statusChanged) {
        changed++;
        effects.changes.push(result);
      }
    }
    return `${action}d ${changed} issue(s)`;
  }

  private async applyAssignee(
    organizationId: string,
    links: StoredIssueLink[],
    change: { value: unknown },
    source: AdoSource,
    effects: InboundEffects,
  ): Promise<string> {
    const { issueService } = this.deps;
    if (
      change.value === undefined ||
      change.value === null ||
      change.value === ''
    ) {
      let changed = 0;
      for (const link of links) {
        const result = await issueService.applyChange(
          link.issueId,
          { assignee: null },
          { source, sendToAdo: false },
        );
        if (result.assigneeChanged) {
          changed++;
          effects.changes.push(result);
        }
      }
      return `unassigned ${changed} issue(s)`;
    }
    const { candidates, who, unmatched } =
      await this.batchPeople.assigneeCandidates(organizationId, change.value);
    if (unmatched) return unmatched;
    const notes: string[] = [];
    let changed = 0;
    for (const link of links) {
      const issue = await this.deps.issues.get(link.issueId);
      if (!issue) continue;
      const user = await this.batchPeople.pickAssignee(
        candidates,
        issue.entityRef,
      );
      if (!user) {
        notes.push(
          `${who} is not a member of the team owning ${issue.entityRef}`,
        );
        continue;
      }
      const result = await issueService.applyChange(
        issue.id,
        { assignee: user },
        { source, sendToAdo: false },
      );
      if (result.assigneeChanged) {
        changed++;
        effects.changes.push(result);
      }
    }
    return [`assigned ${changed} issue(s)`, ...notes].join('; ');
  }

  private config(organizationId: string): Promise<Config> {
    let config = this.batchConfigs.get(organizationId);
    if (!config) {
      config = this.deps.configs.get(organizationId);
      this.batchConfigs.set(organizationId, config);
    }
    return config;
  }
}
