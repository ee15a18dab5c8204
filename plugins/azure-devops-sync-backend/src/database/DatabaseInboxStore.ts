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
import { isPostgres, toIso } from './tables';

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
    return this.db.transaction(async tx => {
      const candidates = tx<RawDbInboxRow>('inbox_deliveries as d')
        .select('d.id')
        .where('d.status', 'pending')
        .andWhere('d.next_attempt_at', '<=', new Date())
        .whereNotExists(
          tx('inbox_deliveries as e')
            .select(tx.raw('1'))
            .whereRaw('e.organization_id = d.organization_id')
            .andWhereRaw('e.work_item_id = d.work_item_id')
            .andWhereRaw('e.revision < d.revision')
            .whereIn('e.status', OPEN),
        )
        .orderBy([
          { column: 'd.received_at', order: 'asc' },
          { column: 'd.revision', order: 'asc' },
        ])
        .limit(limit);
      if (isPostgres(tx)) candidates.forUpdate().skipLocked();
      const ids = (await candidates).map(r => r.id);
      if (ids.length === 0) return [];
      await tx('inbox_deliveries')
        .whereIn('id', ids)
        .andWhere('status', 'pending')
        .update({
          status: 'running',
          claimed_by: worker,
          claimed_at: new Date(),
          attempts: tx.raw('attempts + 1'),
        });
      const rows = await tx<RawDbInboxRow>('inbox_deliveries')
        .whereIn('id', ids)
        .andWhere({ status: 'running', claimed_by: worker });
      return rows
        .map(row => ({ ...toDelivery(row), payload: JSON.parse(row.payload) }))
        .sort((a, b) => (a.revision ?? 0) - (b.revision ?? 0));
    });
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
    await this.db('inbox_deliveries')
      .where({ id })
      .update(
        retryAt
          ? {
              status: 'pending',
              last_error: error,
              next_attempt_at: retryAt,
              claimed_by: null,
            }
          : { status: 'failed', last_error: error, processed_at: new Date() },
      );
  }

  async releaseStale(olderThan: Date): Promise<number> {
    return this.db('inbox_deliveries')
      .where({ status: 'running' })
      .andWhere('claimed_at', '<', olderThan)
      .update({
        status: 'pending',
        claimed_by: null,
        next_attempt_at: new Date(),
      });
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
    const count = await this.db('inbox_deliveries')
      .where({ id })
      .whereIn('status', ['failed', 'skipped'])
      .update({
        status: 'pending',
        attempts: 0,
        next_attempt_at: new Date(),
        last_error: null,
      });
    return count > 0;
  }

  async counts(): Promise<Record<string, number>> {
    const rows = await this.db('inbox_deliveries')
      .select('status')
      .count({ n: '*' })
      .groupBy('status');
    return Object.fromEntries(rows.map((r: any) => [r.status, Number(r.n)]));
  }
}
