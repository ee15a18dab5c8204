import { LoggerService } from '@backstage/backend-plugin-api';
import { AdoClient } from '../api/AdoClient';
import { AdoApiError } from '../api/errors';
import type { AdoJsonPatchOp, AdoWorkItem } from '../api/types';
import { IssueStore } from '../database/IssueStore';
import { OrgConfigStore } from '../database/OrgConfigStore';
import { OutboxJob, OutboxStore } from '../database/OutboxStore';
import { SyncStateStore } from '../database/SyncStateStore';
import { identityEmail, outboundCommentBody } from '../sync/identity';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { describeAdoError } from '../service/describeAdoError';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { normalizeField, WrittenFields } from '../sync/revisionFields';
import { retryDelayMs } from './backoff';

/** A job that must not be tried again: it would fail the same way. */
class PermanentJobError extends Error {}

type Outcome = { status: 'done' | 'skipped'; outcome: string };

/**
 * Runs outbound jobs: status, assignee and comments written to ADO. Jobs are claimed with row
 * locks (one runner per job across replicas), run in order per work item, retried with backoff
 * that honours ADO's Retry-After, and failed visibly after `maxAttempts`.
 */
export class OutboxWorker {
  readonly id = `outbox-${process.pid}-${Math.random()
    .toString(36)
    .slice(2, 8)}`;

  constructor(
    private readonly deps: {
      outbox: OutboxStore;
      issues: IssueStore;
      configs: OrgConfigStore;
      clients: AdoClientFactory;
      catalogs: ProjectCatalogService;
      users: UserDirectory;
      syncState: SyncStateStore;
      logger: LoggerService;
      maxAttempts?: number;
      batchSize?: number;
    },
  ) {}

  /** Claims and runs one batch; returns how many jobs it ran. */
  async runOnce(): Promise<number> {
    const jobs = await this.deps.outbox.claim(
      this.id,
      this.deps.batchSize ?? 10,
    );
    for (const job of jobs) await this.run(job);
    return jobs.length;
  }

  private async run(job: OutboxJob): Promise<void> {
    const { outbox, logger } = this.deps;
    try {
      const result = await this.execute(job);
      await outbox.complete(job.id, result.status, result.outcome);
    } catch (error) {
      const message = describeAdoError(error);
      const maxAttempts = this.deps.maxAttempts ?? 8;
      const permanent =
        error instanceof PermanentJobError ||
        (error instanceof AdoApiError &&
          error.status >= 400 &&
          error.status < 500 &&
          // 408/429: later; 409/412: the item changed since we read it, read it again.
          ![408, 409, 412, 429].includes(error.status));
      const retryable = !permanent && job.attempts < maxAttempts;
      const retryAfterMs =
        error instanceof AdoApiError ? error.details.retryAfterMs : undefined;
      const retryAt = retryable
        ? new Date(Date.now() + retryDelayMs(job.attempts, { retryAfterMs }))
        : null;
      logger.warn(
        `Outbound ${job.payload.kind} for work item ${job.workItemId} ${
          retryAt ? 'will be retried' : 'failed'
        }: ${message}`,
      );
      await outbox.retryOrFail(job.id, message, retryAt);
    }
  }

  private async execute(job: OutboxJob): Promise<Outcome> {
    const config = await this.deps.configs.get(job.organizationId);
    const { payload } = job;
    if (
      payload.kind === 'status' &&
      Object.keys(config.sync_status_forward).length === 0
    ) {
      return {
        status: 'skipped',
        outcome: 'Status sync to Azure DevOps is off (no project mapping)',
      };
    }
    if (payload.kind === 'assignee' && !config.sync_forward_assignment) {
      return {
        status: 'skipped',
        outcome: 'Assignment sync to Azure DevOps is off',
      };
    }
    if (payload.kind === 'comment' && !config.sync_comments) {
      return {
        status: 'skipped',
        outcome: 'Comment sync to Azure DevOps is off',
      };
    }

    const { client } = await this.deps.clients.forOrganization(
      job.organizationId,
    );
    const workItem = await client.getWorkItem(job.workItemId);
    // Judged after the read: an ADO change applied while we waited for it counts.
    const superseded = await this.superseded(job, workItem, config);
    if (superseded) return { status: 'skipped', outcome: superseded };

    if (payload.kind === 'status') {
      const projectId = await this.projectIdOf(job.organizationId, workItem);
      const mapping = projectId
        ? config.sync_status_forward[projectId]
        : undefined;
      if (!mapping) {
        return {
          status: 'skipped',
          outcome: `No status mapping for project ${
            workItem.fields['System.TeamProject'] ?? 'unknown'
          }`,
        };
      }
      const target =
        payload.status === 'resolved'
          ? mapping.on_resolve
          : mapping.on_unresolve;
      if (workItem.fields['System.State'] === target) {
        return { status: 'skipped', outcome: `Already in state ${target}` };
      }
      await this.write(client, job, workItem, [
        { op: 'replace', path: '/fields/System.State', value: target },
      ]);
      return { status: 'done', outcome: `State set to ${target}` };
    }

    if (payload.kind === 'assignee') {
      const current = identityEmail(workItem.fields['System.AssignedTo']);
      if (!payload.userEntityRef) {
        if (!current)
          return { status: 'skipped', outcome: 'Already unassigned' };
        await this.write(client, job, workItem, [
          { op: 'remove', path: '/fields/System.AssignedTo' },
        ]);
        return { status: 'done', outcome: 'Unassigned' };
      }
      const profile = await this.deps.users.profile(payload.userEntityRef);
      if (!profile?.email) {
        throw new PermanentJobError(
          `${payload.userEntityRef} has no e-mail in the catalog`,
        );
      }
      const adoUser = await client.findUserByEmail(profile.email);
      const mail = adoUser?.mailAddress || adoUser?.principalName;
      if (!mail) {
        throw new PermanentJobError(
          `No Azure DevOps user with e-mail ${profile.email}`,
        );
      }
      if (current === mail.toLowerCase()) {
        return { status: 'skipped', outcome: `Already assigned to ${mail}` };
      }
      await this.write(client, job, workItem, [
        { op: 'replace', path: '/fields/System.AssignedTo', value: mail },
      ]);
      return { status: 'done', outcome: `Assigned to ${mail}` };
    }

    const body = outboundCommentBody(payload.authorName, payload.text);
    // A retry after a crash may follow a PATCH that reached ADO before the job was marked done:
    // the work item's latest comment then is this one, and posting it again would double it.
    if (
      job.attempts > 1 &&
      normalizeField('System.History', workItem.fields['System.History']) ===
        body
    ) {
      return {
        status: 'done',
        outcome: 'Comment already in Azure DevOps (written before a retry)',
      };
    }
    await this.write(client, job, workItem, [
      { op: 'add', path: '/fields/System.History', value: body },
    ]);
    return { status: 'done', outcome: 'Comment added' };
  }

  /**
   * PATCHes the work item as exactly the next revision (a json-patch `test` on `/rev`), recorded
   * as ours *before* the call: ADO may deliver the resulting service hook before the PATCH even
   * answers, and that delivery must already be known as our echo.
   */
  private async write(
    client: AdoClient,
    job: OutboxJob,
    current: AdoWorkItem,
    ops: AdoJsonPatchOp[],
  ) {
    const { syncState } = this.deps;
    const fields: WrittenFields = Object.fromEntries(
      ops.map(op => [
        op.path.replace('/fields/', ''),
        op.op === 'remove' ? null : op.value,
      ]),
    );
    const expected = current.rev + 1;
    await syncState.recordWrittenRevision(
      job.organizationId,
      job.workItemId,
      expected,
      fields,
    );
    let updated: AdoWorkItem;
    try {
      updated = await client.updateWorkItem(job.workItemId, [
        { op: 'test', path: '/rev', value: current.rev },
        ...ops,
      ]);
    } catch (error) {
      await syncState.forgetWrittenRevision(
        job.organizationId,
        job.workItemId,
        expected,
      );
      throw error;
    }
    if (updated.rev !== expected) {
      await syncState.forgetWrittenRevision(
        job.organizationId,
        job.workItemId,
        expected,
      );
      await syncState.recordWrittenRevision(
        job.organizationId,
        job.workItemId,
        updated.rev,
        fields,
      );
    }
    await syncState.confirmWrittenRevision(
      job.organizationId,
      job.workItemId,
      updated.rev,
    );
    // The link's state and assignee are not taken from this answer: they must stay the values
    // of the last *applied* revision, and this one may include foreign revisions not yet
    // delivered. The echo's delivery moves them on, in revision order.
    const title = updated.fields?.['System.Title'];
    if (typeof title === 'string') {
      await this.deps.issues.updateLinks(job.organizationId, job.workItemId, {
        title,
      });
    }
  }

  /**
   * A status or assignee job is overtaken when the issue no longer has its value (a later
   * portal change, whose own job follows, or a later ADO change already applied), or when ADO
   * holds a value for the field that is neither the last applied one nor ours and was made
   * after the job: the later writer wins, and that revision's delivery brings the issue along.
   */
  private async superseded(
    job: OutboxJob,
    workItem: AdoWorkItem,
    config: { inbound_done_states: Record<string, string[]> },
  ): Promise<string | undefined> {
    const { payload } = job;
    if (!job.issueId || payload.kind === 'comment') return undefined;
    const issue = await this.deps.issues.get(job.issueId);
    if (!issue) return undefined;
    if (payload.kind === 'status' && issue.status !== payload.status) {
      return `Superseded: the issue is ${issue.status} now`;
    }
    if (
      payload.kind === 'assignee' &&
      (issue.assignee ?? null) !== payload.userEntityRef
    ) {
      return `Superseded: the issue is assigned to ${
        issue.assignee ?? 'nobody'
      } now`;
    }
    const field =
      payload.kind === 'status' ? 'System.State' : 'System.AssignedTo';
    const [link] = await this.deps.issues.linksForWorkItem(
      job.organizationId,
      job.workItemId,
    );
    const lastApplied =
      field === 'System.State' ? link?.state || null : link?.assignedTo ?? null;
    const inAdo = normalizeField(field, workItem.fields[field]);
    if (lastApplied === null || inAdo === lastApplied) return undefined;
    if (field === 'System.State') {
      // Only a change across the done boundary says something about the status; one that does
      // not (New → Active) changes no status when its delivery arrives, so it must not win.
      const done = await this.deps.catalogs
        .doneStates(
          job.organizationId,
          (await this.projectIdOf(job.organizationId, workItem)) ??
            link?.projectId ??
            undefined,
          config.inbound_done_states,
        )
        .catch(() => undefined);
      // Unknown done states: no judgement, the job is written as the portal asked.
      if (!done || done.includes(inAdo) === done.includes(lastApplied))
        return undefined;
    }
    // Our own writes since the last applied revision explain it (their echoes are on the way).
    const writes = await this.deps.syncState.writtenRevisions(
      job.organizationId,
      job.workItemId,
      (await this.deps.syncState.lastAppliedRevision(
        job.organizationId,
        job.workItemId,
      )) + 1,
    );
    if (
      [...writes.values()].some(
        w =>
          field in w.fields && normalizeField(field, w.fields[field]) === inAdo,
      )
    ) {
      return undefined;
    }
    const changedAt = Date.parse(String(workItem.fields['System.ChangedDate']));
    if (changedAt > Date.parse(job.createdAt)) {
      return `Superseded: ${field} was changed in Azure DevOps after this change was made`;
    }
    return undefined;
  }

  /** The reference reads the project by name from the work item and looks its id up. */
  private async projectIdOf(
    organizationId: string,
    workItem: AdoWorkItem,
  ): Promise<string | undefined> {
    const name = String(
      workItem.fields['System.TeamProject'] ?? '',
    ).toLowerCase();
    const catalog = await this.deps.catalogs.get(organizationId);
    return catalog.projects.find(p => p.name.toLowerCase() === name)?.id;
  }
}
