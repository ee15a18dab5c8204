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

    await this.write(client, job, workItem, [
      {
        op: 'add',
        path: '/fields/System.History',
        value: outboundCommentBody(payload.authorName, payload.text),
      },
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
    const fields = ops.map(op => op.path.replace('/fields/', ''));
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
      await syncState.recordWrittenRevision(
        job.organizationId,
        job.workItemId,
        updated.rev,
        fields,
      );
    }
    const after = updated.fields ?? {};
    await this.deps.issues.updateLinks(job.organizationId, job.workItemId, {
      state:
        typeof after['System.State'] === 'string'
          ? after['System.State']
          : undefined,
      title:
        typeof after['System.Title'] === 'string'
          ? after['System.Title']
          : undefined,
    });
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
