import {
  DatabaseService,
  isDatabaseConflictError,
} from '@backstage/backend-plugin-api';
import type {
  Delivery,
  DeliveryStatus,
} from '@internal/plugin-azure-devops-sync-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import { InboxDelivery, InboxDeliveryInput, InboxStore } from './InboxStore';
import { getMigratedClient } from './migrations';
import { toIso } from './tables';
import {
  claimRows,
  releaseStaleRows,
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

  private constructor(private readonly db: Knex) {}

  async accept(
    input: InboxDeliveryInput,
  ): Promise<{ id: string; duplicate: boolean }> {
    const id = randomUUID();
    try {
      await this.db<RawDbInboxRow>('inbox_deliveries').insert({
        id,
        organization_id: input.organizationId,
        event_type: input.eventType,
        work_item_id: input.workItemId,
        revision: input.revision,
        payload: JSON.stringify(input.payload),
        status: 'pending',
        attempts: 0,
        next_attempt_at: new Date(),
        received_at: new Date(),
      });
      return { id, duplicate: false };
    } catch (error) {
      if (!isDatabaseConflictError(error)) throw error;
      const existing = await this.db<RawDbInboxRow>('inbox_deliveries')
        .where({
          organization_id: input.organizationId,
          event_type: input.eventType,
          work_item_id: input.workItemId as number,
          revision: input.revision as number,
        })
        .first('id');
      return { id: existing?.id ?? id, duplicate: true };
    }
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

  async finishMany(
    ids: string[],
    status: 'applied' | 'skipped',
    outcome: string,
  ): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      await this.db('inbox_deliveries')
        .whereIn('id', ids.slice(i, i + 500))
        .update({
          status,
          outcome,
          processed_at: new Date(),
          last_error: null,
        });
    }
  }

  async retryOrFail(
    id: string,
    error: string,
    retryAt: Date | null,
  ): Promise<void> {
    await retryOrFailRow(this.db, INBOX, id, error, retryAt);
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
