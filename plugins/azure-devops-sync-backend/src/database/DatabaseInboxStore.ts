import type {
  Delivery,
  DeliveryStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import DataLoader from 'dataloader';
import { Knex } from 'knex';
import { v7 as timeOrderedUuid } from 'uuid';
import { InboxDelivery, InboxDeliveryInput, InboxStore } from './InboxStore';
import { isPostgres, toIso } from './tables';
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

/** Largest accept batch that gets a named statement of its own. */
const MAX_NAMED_BATCH = 32;

/** Knex-backed {@link InboxStore}. */
export class DatabaseInboxStore implements InboxStore {
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

  /**
   * `db` must be migrated: `createStores()` does that once for every store.
   * `preparedStatements` (PostgreSQL only) names the accept statement
   * (`azureDevOpsSync.database.preparedStatements`).
   */
  constructor(private readonly db: Knex, preparedStatements = false) {
    this.namedStatements = preparedStatements && isPostgres(db);
  }

  private readonly namedStatements: boolean;

  accept(input: InboxDeliveryInput): Promise<Accepted> {
    return this.accepts.load(input);
  }

  private async acceptMany(
    inputs: readonly InboxDeliveryInput[],
  ): Promise<Array<Accepted | Error>> {
    const rows = inputs.map(input => ({
      // Time-ordered: the primary key index grows at its end instead of at a random page per
      // row, which writes fewer pages per commit (SQLite and PostgreSQL alike).
      id: timeOrderedUuid(),
      organization_id: input.organizationId,
      event_type: input.eventType,
      work_item_id: input.workItemId,
      revision: input.revision,
      payload: input.payloadJson ?? JSON.stringify(input.payload),
    }));
    let returned: Array<{ id: string; status: string }>;
    try {
      returned = await this.insertDeliveries(rows, new Date());
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
    const inserted = new Map(returned.map(r => [r.id, r.status]));
    // A duplicate (stored before, or twice in this batch) answers with the stored row's id.
    return Promise.all(
      rows.map(async row => {
        const status = inserted.get(row.id);
        if (status) {
          return { id: row.id, duplicate: false, queued: status === 'pending' };
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

  /**
   * One statement per batch: deliveries for work items no issue links to (most of them) are
   * stored settled, the rest queued; a repeated (organization, event, work item, revision) is
   * left out. Returns the new rows' ids and statuses.
   */
  private async insertDeliveries(
    rows: Array<
      Pick<
        RawDbInboxRow,
        | 'id'
        | 'organization_id'
        | 'event_type'
        | 'work_item_id'
        | 'revision'
        | 'payload'
      >
    >,
    now: Date,
  ): Promise<Array<{ id: string; status: string }>> {
    // PostgreSQL types parameters from their use; SQLite stores what it is given.
    const time = isPostgres(this.db) ? 'CAST(? AS timestamptz)' : '?';
    const values = rows
      .map(() => '(?, ?, ?, CAST(? AS INTEGER), CAST(? AS INTEGER), ?)')
      .join(', ');
    // One name per batch size (the text differs by size); larger batches are rarer, and their
    // planning is shared by many rows, so each connection keeps only a few dozen statements.
    const name =
      this.namedStatements && rows.length <= MAX_NAMED_BATCH
        ? `azure_devops_sync_inbox_accept_${rows.length}`
        : undefined;
    // x is MATERIALIZED: the statement reads `linked` three times, and PostgreSQL would inline
    // x and plan the EXISTS once per read; materialized, its planning time is about halved.
    const result = await this.db
      .raw(
        `WITH v (id, organization_id, event_type, work_item_id, revision, payload) AS (
         VALUES ${values}
       ), x AS MATERIALIZED (
         SELECT v.*, EXISTS (
           SELECT 1 FROM issue_links l
            WHERE l.organization_id = v.organization_id
              AND l.work_item_id = v.work_item_id
         ) AS linked
         FROM v
       )
       INSERT INTO inbox_deliveries (id, organization_id, event_type, work_item_id, revision,
         payload, status, outcome, attempts, next_attempt_at, received_at, processed_at)
       SELECT id, organization_id, event_type, work_item_id, revision, payload,
              CASE WHEN linked THEN 'pending' ELSE 'skipped' END,
              CASE WHEN linked THEN NULL ELSE ? END,
              0, ${time}, ${time},
              CASE WHEN linked THEN NULL ELSE ${time} END
         FROM x
        WHERE true
       ON CONFLICT (organization_id, event_type, work_item_id, revision) DO NOTHING
       RETURNING id, status`,
        [
          ...rows.flatMap(r => [
            r.id,
            r.organization_id,
            r.event_type,
            r.work_item_id,
            r.revision,
            r.payload,
          ]),
          UNLINKED_OUTCOME,
          now,
          now,
          now,
        ],
      )
      .options(name ? { name } : {});
    return isPostgres(this.db) ? result.rows : result;
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
