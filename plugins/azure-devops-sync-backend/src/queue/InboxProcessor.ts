import { LoggerService } from '@backstage/backend-plugin-api';
import { setImmediate as setImmediatePromise } from 'node:timers/promises';
import pLimit from 'p-limit';
import type { ActivitySource } from '@internal/plugin-azure-devops-sync-common';
import { InboxDelivery, InboxStore } from '../database/InboxStore';
import { IssueStore, StoredIssueLink } from '../database/IssueStore';
import { OrgConfigStore } from '../database/OrgConfigStore';
import { SyncStateStore } from '../database/SyncStateStore';
import { identityEmail } from '../sync/identity';
import { inboundStatusAction } from '../sync/inboundStatus';
import {
  fieldAtRevision,
  isEchoOf,
  normalizeField,
  SYNCED_FIELDS,
} from '../sync/revisionFields';
import { WrittenRevision } from '../database/SyncStateStore';
import { describeAdoError } from '../service/describeAdoError';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { retryDelayMs } from './backoff';

/** Deliveries of one batch applied at the same time. */
const APPLY_CONCURRENCY = 4;

/** A webhook's kick waits this long, so one run applies the deliveries of many requests. */
export const INBOX_KICK_DELAY_MS = 20;

type Result = { status: 'applied' | 'skipped'; outcome: string };

interface FieldChange {
  oldValue?: unknown;
  newValue?: unknown;
}

/**
 * Applies stored service hook deliveries: inbound assignee (`handle_assign_to` →
 * `sync_group_assignee_inbound`), inbound status (`sync_status_inbound`), comments and deletions.
 * Runs in revision order per work item; a revision at or below the last applied one changes no
 * status or assignee; a revision our own outbound sync wrote is skipped as an echo.
 */
export class InboxProcessor {
  readonly id = `inbox-${process.pid}-${Math.random()
    .toString(36)
    .slice(2, 8)}`;

  constructor(
    private readonly deps: {
      inbox: InboxStore;
      issues: IssueStore;
      configs: OrgConfigStore;
      catalogs: ProjectCatalogService;
      users: UserDirectory;
      syncState: SyncStateStore;
      requireOwnerMembership: boolean;
      logger: LoggerService;
      maxAttempts?: number;
      batchSize?: number;
      onApplied?: (delivery: InboxDelivery, outcome: string) => Promise<void>;
    },
  ) {}

  /** Organization settings read once per batch, not once per delivery. */
  private batchConfigs = new Map<string, ReturnType<OrgConfigStore['get']>>();

  async runOnce(): Promise<number> {
    this.batchConfigs = new Map();
    const deliveries = await this.deps.inbox.claim(
      this.id,
      this.deps.batchSize ?? 100,
    );
    // Deliveries for work items no issue links to were settled when they were accepted; one
    // whose link went away since is settled by apply().
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
    // SQLite answers synchronously, so a batch would otherwise run as one long task and hold
    // back every webhook waiting to be acknowledged: give the event loop a turn per delivery.
    await setImmediatePromise();
    try {
      const result = await this.apply(delivery);
      await inbox.finish(delivery.id, result.status, result.outcome);
      if (result.status === 'applied')
        await this.deps.onApplied?.(delivery, result.outcome);
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
    }
  }

  private async apply(delivery: InboxDelivery): Promise<Result> {
    const { issues, syncState } = this.deps;
    const { organizationId, workItemId } = delivery;
    if (workItemId === null)
      return { status: 'skipped', outcome: 'No work item id in the delivery' };
    const links = (
      await issues.linksForWorkItem(organizationId, workItemId)
    ).filter(l => !l.broken || delivery.eventType === 'workitem.restored');
    if (links.length === 0) {
      return {
        status: 'skipped',
        outcome: `No issue is linked to work item ${workItemId}`,
      };
    }
    const revision = delivery.revision ?? 0;
    const source: ActivitySource = {
      kind: 'azure-devops',
      organizationId,
      workItemId,
      revision,
    };

    if (delivery.eventType === 'workitem.deleted') {
      await issues.updateLinks(organizationId, workItemId, { broken: true });
      for (const link of links) {
        await issues.addActivity(link.issueId, 'unlinked', source, {
          reason: 'deleted in Azure DevOps',
        });
      }
      return {
        status: 'applied',
        outcome: 'Work item deleted: links marked broken',
      };
    }

    const resource = delivery.payload?.resource ?? {};
    // workitem.updated carries changed fields as {oldValue, newValue}; other events plain values.
    const changes: Record<string, FieldChange> =
      delivery.eventType === 'workitem.updated'
        ? resource.fields ?? {}
        : Object.fromEntries(
            Object.entries(resource.fields ?? {}).map(([k, v]) => [
              k,
              { newValue: v },
            ]),
          );
    const snapshot: Record<string, unknown> | undefined =
      resource.revision?.fields && typeof resource.revision.fields === 'object'
        ? resource.revision.fields
        : undefined;
    const at = (field: string) => fieldAtRevision(changes, snapshot, field);

    const lastApplied = await syncState.lastAppliedRevision(
      organizationId,
      workItemId,
    );
    // What our outbound sync wrote since the last applied revision: earlier revisions (the
    // issue already holds those values, so they are the baseline), this revision (its echo)
    // and later ones (a later write of ours already replaced this revision's value in ADO).
    const written: Map<number, WrittenRevision> = revision
      ? await syncState.writtenRevisions(
          organizationId,
          workItemId,
          Math.min(revision, lastApplied + 1),
        )
      : new Map();
    const mine = written.get(revision)?.fields;
    const echo = mine !== undefined && isEchoOf(mine, at);
    const ours = new Set(echo ? Object.keys(mine) : []);
    // Only revisions ADO's answer confirmed: an unconfirmed one is merely the number a PATCH
    // in flight expects, and a foreign edit may have taken it.
    const overwritten = new Set(
      [...written]
        .filter(([rev, w]) => rev > revision && w.confirmed)
        .flatMap(([, w]) => Object.keys(w.fields)),
    );

    const stale = revision > 0 && revision <= lastApplied;
    const outcomes: string[] = [];

    const history = changes['System.History']?.newValue;
    if (
      typeof history === 'string' &&
      history.trim() &&
      !ours.has('System.History')
    ) {
      const author =
        identityEmail(resource.revisedBy) ??
        String(resource.revisedBy?.displayName ?? 'Azure DevOps');
      for (const link of links) {
        await issues.addActivity(link.issueId, 'comment', source, {
          text: history,
          author,
        });
      }
      outcomes.push('comment recorded');
    }

    if (stale) {
      outcomes.push(
        `revision ${revision} is older than the last applied one: status and assignee left alone`,
      );
    } else {
      // Each synced field is judged from its value at the last applied revision (kept on the
      // link), not from this delivery's old value: revisions in between may have been stale or
      // lost, and the snapshot says where the item is now.
      if (!this.batchConfigs.has(organizationId)) {
        this.batchConfigs.set(
          organizationId,
          this.deps.configs.get(organizationId),
        );
      }
      const config = await this.batchConfigs.get(organizationId)!;
      const known: { state?: string; assignedTo?: string } = {};
      for (const field of SYNCED_FIELDS) {
        const value = at(field);
        if (!value.known) continue;
        const now = normalizeField(field, value.value);
        const isState = field === 'System.State';
        if (isState) known.state = now || undefined;
        else known.assignedTo = now;
        // Our own write, or a value a later write of ours replaced: the issue already holds
        // the portal's intent.
        if (ours.has(field) || overwritten.has(field)) continue;
        const last = this.baseline(
          field,
          links[0],
          written,
          lastApplied,
          revision,
        );
        if (!changes[field] && (last === null || last === now)) continue;
        if (isState && now && config.sync_status_reverse) {
          outcomes.push(
            await this.status(
              links,
              { oldValue: last ?? changes[field]?.oldValue, newValue: now },
              await this.doneStates(delivery, links[0], config),
              source,
            ),
          );
        }
        if (!isState && config.sync_reverse_assignment) {
          outcomes.push(
            await this.assignee(links, { newValue: value.value }, source),
          );
        }
      }
      // Only once the change is applied: a retry must still see the values it started from.
      const title = changes['System.Title']?.newValue;
      await issues.updateLinks(organizationId, workItemId, {
        ...known,
        title: typeof title === 'string' ? title : undefined,
      });
      if (revision)
        await syncState.markApplied(organizationId, workItemId, revision);
    }
    if (echo && outcomes.length === 0) {
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

  /**
   * A field's value before this revision: what our latest write in between put there (not yet
   * applied, but the issue holds it), else the value at the last applied revision (the link).
   */
  private baseline(
    field: string,
    link: StoredIssueLink,
    written: Map<number, WrittenRevision>,
    lastApplied: number,
    revision: number,
  ): string | null {
    const between = [...written]
      .filter(
        ([rev, w]) =>
          w.confirmed &&
          rev > lastApplied &&
          rev < revision &&
          field in w.fields,
      )
      .sort(([a], [b]) => b - a);
    if (between.length > 0)
      return normalizeField(field, between[0][1].fields[field]);
    return field === 'System.State' ? link.state || null : link.assignedTo;
  }

  private doneStates(
    delivery: InboxDelivery,
    link: StoredIssueLink,
    config: { inbound_done_states: Record<string, string[]> },
  ): Promise<string[]> {
    return this.deps.catalogs.doneStates(
      delivery.organizationId,
      delivery.payload?.resourceContainers?.project?.id ??
        link.projectId ??
        undefined,
      config.inbound_done_states,
    );
  }

  private async status(
    links: StoredIssueLink[],
    change: FieldChange,
    done: string[],
    source: ActivitySource,
  ): Promise<string> {
    const action = inboundStatusAction(
      typeof change.oldValue === 'string' ? change.oldValue : null,
      typeof change.newValue === 'string' ? change.newValue : null,
      done,
    );
    if (action === 'noop') {
      return `state ${String(change.oldValue ?? '(none)')} → ${String(
        change.newValue,
      )} changes no status`;
    }
    const status = action === 'resolve' ? 'resolved' : 'unresolved';
    let changed = 0;
    for (const link of links) {
      // No outbound jobs: a change that came from ADO is not sent back.
      const result = await this.deps.issues.applyChange(
        link.issueId,
        { status },
        { source },
      );
      if (result.statusChanged) changed++;
    }
    return `${action}d ${changed} issue(s)`;
  }

  private async assignee(
    links: StoredIssueLink[],
    change: FieldChange,
    source: ActivitySource,
  ): Promise<string> {
    if (
      change.newValue === undefined ||
      change.newValue === null ||
      change.newValue === ''
    ) {
      let changed = 0;
      for (const link of links) {
        const result = await this.deps.issues.applyChange(
          link.issueId,
          { assignee: null },
          { source },
        );
        if (result.assigneeChanged) changed++;
      }
      return `unassigned ${changed} issue(s)`;
    }
    const email = identityEmail(change.newValue);
    if (!email)
      return `no e-mail could be read from the new assignee: issues left unchanged`;
    const candidates = await this.deps.users.findByEmail(email);
    if (candidates.length === 0)
      return `no catalog user has the e-mail ${email}: issues left unchanged`;
    const notes: string[] = [];
    let changed = 0;
    for (const link of links) {
      const issue = await this.deps.issues.get(link.issueId);
      if (!issue) continue;
      let user: string | undefined = candidates[0];
      if (this.deps.requireOwnerMembership) {
        user = undefined;
        for (const candidate of candidates) {
          if (
            await this.deps.users.isMemberOfOwner(candidate, issue.entityRef)
          ) {
            user = candidate;
            break;
          }
        }
      }
      if (!user) {
        notes.push(
          `${email} is not a member of the team owning ${issue.entityRef}`,
        );
        continue;
      }
      const result = await this.deps.issues.applyChange(
        issue.id,
        { assignee: user },
        { source },
      );
      if (result.assigneeChanged) changed++;
    }
    return [`assigned ${changed} issue(s)`, ...notes].join('; ');
  }
}
