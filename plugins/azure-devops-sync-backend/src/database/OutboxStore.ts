import { Knex } from 'knex';

/** What an outbound job does to one work item. */
export type OutboxJobPayload =
  | { kind: 'status'; status: 'resolved' | 'unresolved' }
  | { kind: 'assignee'; userEntityRef: string | null }
  | { kind: 'comment'; text: string; authorName: string };

export interface OutboxJobInput {
  organizationId: string;
  workItemId: number;
  issueId: string | null;
  payload: OutboxJobPayload;
}

export type OutboxJobStatus =
  | 'pending'
  | 'running'
  | 'done'
  | 'skipped'
  | 'failed';

export interface OutboxJob extends OutboxJobInput {
  id: string;
  status: OutboxJobStatus;
  attempts: number;
  lastError: string | null;
  outcome: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** Outbound ADO changes, run in order per work item, each exactly once. */
export interface OutboxStore {
  /** Queues jobs; pass the transaction of the change they follow. */
  enqueue(jobs: OutboxJobInput[], tx?: Knex.Transaction): Promise<void>;
  /**
   * Claims up to `limit` runnable jobs: due, and first in line for their work item (no earlier
   * job of the same work item still open). Claimed rows are `running` and owned by `worker`.
   */
  claim(worker: string, limit: number): Promise<OutboxJob[]>;
  complete(
    id: string,
    status: 'done' | 'skipped',
    outcome: string,
  ): Promise<void>;
  /** Schedules another try at `retryAt`, or marks the job failed when `retryAt` is null. */
  retryOrFail(id: string, error: string, retryAt: Date | null): Promise<void>;
  /** Running jobs whose worker died (claimed before `olderThan`) go back to pending. */
  /** Refreshes the claim time of the rows `worker` holds (its heartbeat). */
  touch(worker: string): Promise<void>;
  releaseStale(olderThan: Date): Promise<number>;
  list(filter: {
    organizationId?: string;
    status?: OutboxJobStatus;
  }): Promise<OutboxJob[]>;
  get(id: string): Promise<OutboxJob | undefined>;
  replay(id: string): Promise<boolean>;
  /**
   * Marks the unfinished jobs of one issue's link skipped with `outcome`, so they never run
   * again. A running one that gets through is still recorded done; one that fails stays skipped.
   */
  skipOpenOfLink(
    link: { issueId: string; organizationId: string; workItemId: number },
    outcome: string,
    tx: Knex.Transaction,
  ): Promise<number>;
}
