import { LoggerService } from '@backstage/backend-plugin-api';
import type { OrganizationConfigValues } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { AdoClient } from '../api/AdoClient';
import { AdoApiError } from '../api/errors';
import type { AdoJsonPatchOp, AdoWorkItem } from '../api/types';
import { IssueStore } from '../database/IssueStore';
import { OrgConfigStore } from '../database/OrgConfigStore';
import { OutboxJob, OutboxStore } from '../database/OutboxStore';
import { SyncStateStore, WrittenFields } from '../database/SyncStateStore';
import { IssueService } from '../issues/IssueService';
import { PeopleStore } from '../database/PeopleStore';
import {
  adoValueMoved,
  decideOutbound,
  OutboundState,
  syncSwitchedOff,
} from '../sync/decideOutbound';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { describeAdoError } from '../service/describeAdoError';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { retryDelayMs } from './backoff';

/** A job that must not be tried again: it would fail the same way. */
class PermanentJobError extends Error {}

type Outcome = { status: 'done' | 'skipped'; outcome: string };

/** How a run of a job ended: finished for good, or another try scheduled. */
export type OutboxJobEnd = {
  status: 'done' | 'skipped' | 'failed' | 'retrying';
  /** The outcome, or the error that failed it or put it back. */
  outcome: string;
};

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
      issueService: IssueService;
      configs: OrgConfigStore;
      clients: AdoClientFactory;
      catalogs: ProjectCatalogService;
      users: UserDirectory;
      /** The organization's people mapping, consulted before e-mails. */
      people: PeopleStore;
      syncState: SyncStateStore;
      logger: LoggerService;
      maxAttempts?: number;
      batchSize?: number;
      /** After each run of a job is stored; a failure here is logged, never retried. */
      onJobEnded?: (job: OutboxJob, end: OutboxJobEnd) => Promise<void>;
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
    let end: OutboxJobEnd;
    try {
      const result = await this.execute(job);
      await outbox.complete(job.id, result.status, result.outcome);
      end = result;
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
      end = { status: retryAt ? 'retrying' : 'failed', outcome: message };
    }
    try {
      await this.deps.onJobEnded?.(job, end);
    } catch (error) {
      // The job is stored: a failed signal or notification must not run it again.
      logger.warn(`After outbound job ${job.id}: ${describeAdoError(error)}`);
    }
  }

  private async execute(job: OutboxJob): Promise<Outcome> {
    const config = await this.deps.configs.get(job.organizationId);
    const off = syncSwitchedOff(job.payload, config);
    if (off) return { status: 'skipped', outcome: off };

    const { client } = await this.deps.clients.forOrganization(
      job.organizationId,
    );
    const workItem = await client.getWorkItem(job.workItemId);
    // Judged after the read: an ADO change applied while we waited for it counts.
    const state = await this.load(job, workItem, config);
    let decision = decideOutbound(job, state, config);
    if (decision.kind === 'needAssignee') {
      state.assignee = await this.loadAssignee(
        client,
        job.organizationId,
        decision.userEntityRef,
      );
      decision = decideOutbound(job, state, config);
    }
    switch (decision.kind) {
      case 'skip':
        if (decision.holds) await this.remember(job, workItem, decision.holds);
        return { status: 'skipped', outcome: decision.outcome };
      case 'done':
        return { status: 'done', outcome: decision.outcome };
      case 'fail':
        throw new PermanentJobError(decision.message);
      case 'write':
        await this.write(client, job, workItem, decision.ops);
        return { status: 'done', outcome: decision.outcome };
      default:
        throw new Error(`Unexpected outbound decision ${decision.kind}`);
    }
  }

  /** What decideOutbound needs; our writes only when ADO's value moved. */
  private async load(
    job: OutboxJob,
    workItem: AdoWorkItem,
    config: OrganizationConfigValues,
  ): Promise<OutboundState> {
    const { issues, syncState, catalogs } = this.deps;
    const { organizationId, workItemId, payload } = job;
    const state: OutboundState = { fields: workItem.fields };
    if (payload.kind === 'comment') return state;
    if (job.issueId) state.issue = await issues.get(job.issueId);
    [state.link] = await issues.linksForWorkItem(organizationId, workItemId);
    if (payload.kind === 'status') {
      state.projectId = await this.projectIdOf(organizationId, workItem);
      state.doneStates = await catalogs
        .doneStates(
          organizationId,
          state.projectId ?? state.link?.projectId ?? undefined,
          config.inbound_done_states,
        )
        .catch(() => undefined);
    }
    if (!adoValueMoved(job, workItem.fields, state.link)) return state;
    const since =
      (await syncState.lastAppliedRevision(organizationId, workItemId)) + 1;
    state.writesSinceApplied = [
      ...(
        await syncState.writtenRevisions(organizationId, workItemId, since)
      ).values(),
    ];
    return state;
  }

  /**
   * The ADO identity the people mapping names for the portal user; else the user's e-mail and
   * the ADO identity with that e-mail.
   */
  private async loadAssignee(
    client: AdoClient,
    organizationId: string,
    userEntityRef: string,
  ): Promise<{ mappedIdentity?: string; email?: string; adoMail?: string }> {
    const mappedIdentity = await this.deps.people.identityFor(
      organizationId,
      userEntityRef,
    );
    if (mappedIdentity) return { mappedIdentity };
    const profile = await this.deps.users.profile(userEntityRef);
    if (!profile?.email) return {};
    const adoUser = await client.findUserByEmail(profile.email);
    return {
      email: profile.email,
      adoMail: adoUser?.mailAddress || adoUser?.principalName || undefined,
    };
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
      await this.deps.issueService.recordWorkItemSnapshot(
        job.organizationId,
        job.workItemId,
        { title },
      );
    }
  }

  /**
   * ADO already holds the issue's value at the revision read: for the inbound rules, that
   * revision is as good as one we wrote (the issue holds its value). Recorded as a confirmed
   * write, merged with a confirmed one of ours at that revision, so a later revision delivered
   * before it is judged from this value, not an older one. Jobs of one work item run one at a
   * time, so the read-merge-write races no other job.
   */
  private async remember(
    job: OutboxJob,
    workItem: AdoWorkItem,
    holds: WrittenFields,
  ) {
    const { syncState } = this.deps;
    const { organizationId, workItemId } = job;
    const applied = await syncState.lastAppliedRevision(
      organizationId,
      workItemId,
    );
    if (workItem.rev <= applied) return;
    const written = await syncState.writtenRevisions(
      organizationId,
      workItemId,
      workItem.rev,
    );
    // An unconfirmed one (a write that crashed before ADO answered) proves nothing: replaced.
    const mine = written.get(workItem.rev);
    const earlier = mine?.confirmed ? mine.fields : {};
    await syncState.recordWrittenRevision(
      organizationId,
      workItemId,
      workItem.rev,
      {
        ...earlier,
        ...holds,
      },
    );
    await syncState.confirmWrittenRevision(
      organizationId,
      workItemId,
      workItem.rev,
    );
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
