import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  ActivityItem,
  ActivitySource,
  ActivityType,
  Issue,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import {
  IssueChange,
  IssueStore,
  LinkKey,
  LinkSnapshot,
  NewIssueLink,
  StoredIssueLink,
} from '../database/IssueStore';
import { OutboxJobInput, OutboxStore } from '../database/OutboxStore';
import {
  outboundJobsForChange,
  outboundJobsForComment,
} from '../sync/outboundJobs';

export interface IssueChangeOptions {
  source: ActivitySource;
  /**
   * Queue outbound jobs for the linked work items. Portal-side changes do; changes that came
   * from ADO must not be sent back.
   */
  sendToAdo: boolean;
  /** Write a `regression` activity instead of `set_unresolved`. */
  regression?: boolean;
}

/** What {@link IssueService.applyChange} did. */
export interface AppliedIssueChange {
  issue: Issue;
  statusChanged: boolean;
  assigneeChanged: boolean;
}

/**
 * The one owner of changes to issues: status, assignee, comments and links, each with its
 * activity and (for portal-side changes) its outbound ADO jobs, written in one transaction.
 * Routers, the inbox processor and error-event saving all come through here.
 */
export class IssueService {
  constructor(
    private readonly deps: {
      issues: IssueStore;
      outbox: OutboxStore;
      /** Wakes the outbox worker once queued jobs are committed. */
      onQueued?: () => void;
    },
  ) {}

  transaction<T>(fn: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.deps.issues.transaction(fn);
  }

  /** Applies a status and/or assignee change; parts that change nothing write nothing. */
  async applyChange(
    issueId: string,
    change: IssueChange,
    options: IssueChangeOptions,
    tx?: Knex.Transaction,
  ): Promise<AppliedIssueChange> {
    return this.inTransaction(tx, async t => {
      const { issues } = this.deps;
      const current = await issues.lockForChange(issueId, t);
      if (!current) throw new NotFoundError(`No issue with id ${issueId}`);
      const statusChanged =
        change.status !== undefined && change.status !== current.status;
      const assigneeChanged =
        change.assignee !== undefined && change.assignee !== current.assignee;
      if (statusChanged || assigneeChanged) {
        await issues.update(
          issueId,
          {
            status: statusChanged ? change.status : undefined,
            assignee: assigneeChanged ? change.assignee : undefined,
          },
          t,
        );
      }
      if (statusChanged) {
        let type: ActivityType = 'set_unresolved';
        if (change.status === 'resolved') type = 'set_resolved';
        else if (options.regression) type = 'regression';
        await issues.addActivity(
          issueId,
          type,
          options.source,
          { from: current.status, to: change.status },
          t,
        );
      }
      if (assigneeChanged) {
        await issues.addActivity(
          issueId,
          change.assignee ? 'assigned' : 'unassigned',
          options.source,
          change.assignee
            ? { assignee: change.assignee, previous: current.assignee }
            : { previous: current.assignee },
          t,
        );
      }
      let issue = (await issues.get(issueId, t))!;
      if (options.sendToAdo && (statusChanged || assigneeChanged)) {
        const changed = issue;
        const queued = await this.queue(t, issueId, links =>
          outboundJobsForChange(links, {
            statusChanged,
            assigneeChanged,
            issue: changed,
          }),
        );
        // Read again: the answer shows the links pending with the jobs just queued.
        if (queued > 0) issue = (await issues.get(issueId, t))!;
      }
      return { issue, statusChanged, assigneeChanged };
    });
  }

  /** A comment written in the portal: recorded, and sent to every linked work item. */
  async addComment(
    issueId: string,
    text: string,
    source: ActivitySource,
    authorName: string,
  ): Promise<ActivityItem> {
    return this.inTransaction(undefined, async tx => {
      if (!(await this.deps.issues.lockForChange(issueId, tx))) {
        throw new NotFoundError(`No issue with id ${issueId}`);
      }
      const activity = await this.deps.issues.addActivity(
        issueId,
        'comment',
        source,
        { text },
        tx,
      );
      await this.queue(tx, issueId, links =>
        outboundJobsForComment(links, issueId, text, authorName),
      );
      return activity;
    });
  }

  /** A comment made in ADO, recorded on each linked issue (not sent back). */
  async recordInboundComment(
    links: StoredIssueLink[],
    comment: { text: string; author: string },
    source: ActivitySource,
  ): Promise<void> {
    for (const link of links) {
      await this.deps.issues.addActivity(
        link.issueId,
        'comment',
        source,
        comment,
      );
    }
  }

  /** Links a work item (already read from ADO) to an issue, with a `linked` activity. */
  async addLink(
    link: NewIssueLink,
    source: ActivitySource,
  ): Promise<{ created: boolean }> {
    return this.inTransaction(undefined, async tx => {
      if (!(await this.deps.issues.lockForChange(link.issueId, tx))) {
        throw new NotFoundError(`No issue with id ${link.issueId}`);
      }
      const result = await this.deps.issues.insertLink(link, tx);
      if (result.created) {
        await this.deps.issues.addActivity(
          link.issueId,
          'linked',
          source,
          {
            organizationId: link.organizationId,
            workItemId: link.workItemId,
            url: link.url,
            displayName: link.displayName,
            title: link.title,
          },
          tx,
        );
      }
      return result;
    });
  }

  /**
   * Queues the link's last change again when it failed or was skipped by a rule, as a new job
   * (the old one stays in the jobs list as it ended). A new job, not a replay: it is judged
   * against ADO as of now, so an ADO edit made before the retry does not supersede it.
   */
  async retryLinkSync(key: LinkKey): Promise<Issue> {
    return this.inTransaction(undefined, async tx => {
      await this.lockIssue(key.issueId, tx);
      const found = await this.deps.issues.getLink(key, tx);
      if (!found) throw linkNotFound(key);
      if (found.link.broken) {
        throw new ConflictError(
          `Work item ${key.workItemId} was deleted in Azure DevOps: there is nothing to send it to`,
        );
      }
      const { sync, job } = found;
      if (!job || (sync.status !== 'failed' && sync.status !== 'skipped')) {
        throw new ConflictError(
          `Nothing to retry: the last change to work item ${key.workItemId} is ${sync.status}`,
        );
      }
      await this.enqueue(tx, [
        {
          organizationId: key.organizationId,
          workItemId: key.workItemId,
          issueId: key.issueId,
          payload: job.payload,
        },
      ]);
      return (await this.deps.issues.get(key.issueId, tx))!;
    });
  }

  /**
   * Removes a link, with an `unlinked` activity. Nothing changes in ADO; the link's unfinished
   * jobs are skipped, so nothing more is sent to a work item the issue no longer tracks.
   */
  async unlink(key: LinkKey, source: ActivitySource): Promise<void> {
    await this.inTransaction(undefined, async tx => {
      await this.lockIssue(key.issueId, tx);
      const found = await this.deps.issues.getLink(key, tx);
      if (!found) throw linkNotFound(key);
      await this.deps.issues.deleteLink(key, tx);
      await this.deps.outbox.skipOpenOfLink(
        key,
        'The work item was unlinked from the issue',
        tx,
      );
      await this.deps.issues.addActivity(
        key.issueId,
        'unlinked',
        source,
        {
          organizationId: key.organizationId,
          workItemId: key.workItemId,
          url: found.link.url,
          displayName: found.link.displayName,
          title: found.link.title,
        },
        tx,
      );
    });
  }

  /** A work item deleted in ADO: its links are marked broken, each issue gets an activity. */
  async markWorkItemDeleted(
    links: StoredIssueLink[],
    source: ActivitySource & { kind: 'azure-devops' },
  ): Promise<void> {
    await this.inTransaction(undefined, async tx => {
      await this.deps.issues.updateLinks(
        source.organizationId,
        source.workItemId,
        { broken: true },
        tx,
      );
      for (const link of links) {
        await this.deps.issues.addActivity(
          link.issueId,
          'unlinked',
          source,
          { reason: 'deleted in Azure DevOps' },
          tx,
        );
      }
    });
  }

  /** What the links remember of the work item (title, and state/assignee as last applied). */
  async recordWorkItemSnapshot(
    organizationId: string,
    workItemId: number,
    snapshot: LinkSnapshot,
  ): Promise<void> {
    await this.deps.issues.updateLinks(organizationId, workItemId, snapshot);
  }

  private async queue(
    tx: Knex.Transaction,
    issueId: string,
    jobsFor: (links: StoredIssueLink[]) => OutboxJobInput[],
  ): Promise<number> {
    const links = await this.deps.issues.linksOfIssue(issueId, tx);
    return this.enqueue(tx, jobsFor(links.filter(l => !l.broken)));
  }

  /** Queues the jobs in `tx`; returns how many. */
  private async enqueue(
    tx: Knex.Transaction,
    jobs: OutboxJobInput[],
  ): Promise<number> {
    if (jobs.length === 0) return 0;
    await this.deps.outbox.enqueue(jobs, tx);
    // Woken only once the jobs are visible to the worker; a rollback wakes nobody.
    tx.executionPromise.then(
      () => this.deps.onQueued?.(),
      () => undefined,
    );
    return jobs.length;
  }

  private async lockIssue(issueId: string, tx: Knex.Transaction) {
    if (!(await this.deps.issues.lockForChange(issueId, tx))) {
      throw new NotFoundError(`No issue with id ${issueId}`);
    }
  }

  private inTransaction<T>(
    tx: Knex.Transaction | undefined,
    fn: (tx: Knex.Transaction) => Promise<T>,
  ): Promise<T> {
    return tx ? fn(tx) : this.deps.issues.transaction(fn);
  }
}

function linkNotFound(key: LinkKey): NotFoundError {
  return new NotFoundError(
    `Issue ${key.issueId} has no link to work item ${key.workItemId} of organization ${key.organizationId}`,
  );
}
