import { DatabaseService } from '@backstage/backend-plugin-api';
import type {
  Delivery,
  DeliveryStatus,
} from '@internal/plugin-azure-devops-sync-common';
import DataLoader from 'dataloader';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { InboxDelivery, InboxDeliveryInput, InboxStore } from './InboxStore';
import { getMigratedClient } from './migrations';
import { toIso } from './tables';
import {
  claimRows,
  releaseStaleRows,
  touchClaimedRows,
  replayRow,
  retryOrFailRow,
  WorkQueueTable,
} from './workQueue';

interface RawDbInboxRow {
  id: string;
  organization_id: string;
  event_type: string;
  work_item_id: number | null;
  revision: number | null;
  payload: string;
  status: string;
  attempts: number;
  next_attempt_at: Date | string;
  last_error: string | null;
  outcome: string | null;
  claimed_by: string | null;
  claimed_at: Date | string | null;
  received_at: Date | string;
  processed_at: Date | string | null;
}

const OPEN = ['pending', 'running'];

const INBOX: WorkQueueTable = {
  table: 'inbox_deliveries',
  sequenceColumn: 'revision',
  orderBy: [
    { column: 'received_at', order: 'asc' },
    { column: 'revision', order: 'asc' },
  ],
  finishedColumn: 'processed_at',
};

const UNLINKED_OUTCOME = 'No issue is linked to this work item';

type Accepted = { id: string; duplicate: boolean; queued: boolean };

function toDelivery(row: RawDbInboxRow): Delivery {
  return {
    id: row.id,
    organizationId: row.organization_id,
    eventType: row.event_type,
    workItemId: row.work_item_id === null ? null : Number(row.work_item_id),
    revision: row.revision === null ? null : Number(row.revision),
    status: (row.status === 'running'
      ? 'pending'
      : row.status) as DeliveryStatus,
    attempts: Number(row.attempts),
    lastError: row.last_error,
    outcome: row.outcome,
    receivedAt: toIso(row.received_at)!,
    processedAt: toIso(row.processed_at),
  };
}

/** Knex-backed {@link InboxStore}. */
export class DatabaseInboxStore implements InboxStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseInboxStore> {
    return new DatabaseInboxStore(await getMigratedClient(options.database));
  }

  /**
   * Group commit: the accepts that arrive in one turn of the event loop are stored with one
   * multi-row INSERT, and each caller is answered once that statement has committed. Under load
   * this turns hundreds of single-row commits a second into a few dozen.
   */
  private readonly accepts = new DataLoader<InboxDeliveryInput, Accepted>(
    inputs => this.acceptMany(inputs),
    {
      cache: false,
      maxBatchSize: 500,
      // After the poll phase: every request whose body arrived in this turn joins the batch.
      batchScheduleFn: callback => setImmediate(callback),
    },
  );

  private constructor(private readonly db: Knex) {}

  accept(input: InboxDeliveryInput): Promise<Accepted> {
    return this.accepts.load(input);
  }

  private async acceptMany(
    inputs: readonly InboxDeliveryInput[],
  ): Promise<Array<Accepted | Error>> {
    const now = new Date();
    const linked = await this.linkedAmong(inputs);
    const rows = inputs.map(input => {
      // Most deliveries are for work items no issue links to: stored settled, never queued.
      const queued = linked.has(`${input.organizationId}:${input.workItemId}`);
      return {
        id: randomUUID(),
        organization_id: input.organizationId,
        event_type: input.eventType,
        work_item_id: input.workItemId,
        revision: input.revision,
        payload: JSON.stringify(input.payload),
        status: queued ? 'pending' : 'skipped',
        outcome: queued ? null : UNLINKED_OUTCOME,
        attempts: 0,
        next_attempt_at: now,
        received_at: now,
        processed_at: queued ? null : now,
      };
    });
    let returned: Array<{ id: string }>;
    try {
      returned = await this.db('inbox_deliveries')
        .insert(rows)
        .onConflict([
          'organization_id',
          'event_type',
          'work_item_id',
          'revision',
        ])
        .ignore()
        .returning('id');
    } catch (error) {
      // One bad row must not fail the others: store them one by one to find it.
      if (inputs.length === 1) throw error;
      return Promise.all(
        inputs.map(input =>
          this.acceptMany([input]).then(
            ([result]) => result,
            e => e as Error,
          ),
        ),
      );
    }
    const inserted = new Set(returned.map(r => r.id));
    // A duplicate (stored before, or twice in this batch) answers with the stored row's id.
    return Promise.all(
      rows.map(async row => {
        if (inserted.has(row.id)) {
          return {
            id: row.id,
            duplicate: false,
            queued: row.status === 'pending',
          };
        }
        const existing = await this.db<RawDbInboxRow>('inbox_deliveries')
          .where({
            organization_id: row.organization_id,
            event_type: row.event_type,
            work_item_id: row.work_item_id as number,
            revision: row.revision as number,
          })
          .first('id');
        return { id: existing?.id ?? row.id, duplicate: true, queued: false };
      }),
    );
  }

  /** `org:workItem` keys of the inputs' work items that any issue links to (broken or not). */
  private async linkedAmong(
    inputs: readonly InboxDeliveryInput[],
  ): Promise<Set<string>> {
    const byOrganization = new Map<string, Set<number>>();
    for (const { organizationId, workItemId } of inputs) {
      if (workItemId === null) continue;
      const ids = byOrganization.get(organizationId) ?? new Set<number>();
      byOrganization.set(organizationId, ids.add(workItemId));
    }
    const linked = new Set<string>();
    for (const [organizationId, ids] of byOrganization) {
      const rows = await this.db('issue_links')
        .distinct('work_item_id')
        .where('organization_id', organizationId)
        .whereIn('work_item_id', [...ids]);
      for (const row of rows) {
        linked.add(`${organizationId}:${Number(row.work_item_id)}`);
      }
    }
    return linked;
  }

  async claim(worker: string, limit: number): Promise<InboxDelivery[]> {
    const rows = await claimRows<RawDbInboxRow>(this.db, INBOX, worker, limit);
    return rows
      .map(row => ({ ...toDelivery(row), payload: JSON.parse(row.payload) }))
      .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
  }

  async finish(
    id: string,
    status: 'applied' | 'skipped',
    outcome: string,
  ): Promise<void> {
    await this.db('inbox_deliveries')
      .where({ id })
      .update({ status, outcome, processed_at: new Date(), last_error: null });
  }

  async retryOrFail(
    id: string,
    error: string,
    retryAt: Date | null,
  ): Promise<void> {
    await retryOrFailRow(this.db, INBOX, id, error, retryAt);
  }

  async touch(worker: string): Promise<void> {
    await touchClaimedRows(this.db, INBOX, worker);
  }

  async releaseStale(olderThan: Date): Promise<number> {
    return releaseStaleRows(this.db, INBOX, olderThan);
  }

  async list(filter: {
    organizationId: string;
    status?: DeliveryStatus;
  }): Promise<Delivery[]> {
    const query = this.db<RawDbInboxRow>('inbox_deliveries')
      .where({ organization_id: filter.organizationId })
      .orderBy('received_at', 'desc')
      .limit(500);
    if (filter.status === 'pending') query.whereIn('status', OPEN);
    else if (filter.status) query.where({ status: filter.status });
    return (await query).map(toDelivery);
  }

  async get(id: string): Promise<InboxDelivery | undefined> {
    const row = await this.db<RawDbInboxRow>('inbox_deliveries')
      .where({ id })
      .first();
    return row
      ? { ...toDelivery(row), payload: JSON.parse(row.payload) }
      : undefined;
  }

  async replay(id: string): Promise<boolean> {
    return replayRow(this.db, INBOX, id, ['failed', 'skipped']);
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db('inbox_deliveries')
      .select('status')
      .count({ n: '*' })
      .groupBy('status');
    return Object.fromEntries(rows.map((r: any) => [r.status, Number(r.n)]));
  }
}
