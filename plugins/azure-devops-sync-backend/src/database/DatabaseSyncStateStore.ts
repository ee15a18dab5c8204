import { Knex } from 'knex';
import {
  SyncStateStore,
  WrittenFields,
  WrittenRevision,
} from './SyncStateStore';

/** Rows written before values were kept hold a list of field names. */
function toWrittenFields(text: string): WrittenFields {
  const parsed = JSON.parse(text || '{}');
  return Array.isArray(parsed)
    ? Object.fromEntries(parsed.map((name: string) => [name, undefined]))
    : parsed;
}

/** Knex-backed {@link SyncStateStore}. */
export class DatabaseSyncStateStore implements SyncStateStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async recordWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
    fields: WrittenFields,
  ): Promise<void> {
    await this.db('written_revisions')
      .insert({
        organization_id: organizationId,
        work_item_id: workItemId,
        revision,
        fields: JSON.stringify(fields),
      })
      .onConflict(['organization_id', 'work_item_id', 'revision'])
      .merge(['fields']);
  }

  async forgetWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void> {
    await this.db('written_revisions')
      .where({
        organization_id: organizationId,
        work_item_id: workItemId,
        revision,
      })
      .delete();
  }

  async writtenRevisions(
    organizationId: string,
    workItemId: number,
    fromRevision: number,
  ): Promise<Map<number, WrittenRevision>> {
    const rows = await this.db('written_revisions')
      .where({ organization_id: organizationId, work_item_id: workItemId })
      .andWhere('revision', '>=', fromRevision)
      .select('revision', 'fields', 'confirmed');
    return new Map(
      rows.map(row => [
        Number(row.revision),
        {
          fields: toWrittenFields(row.fields),
          confirmed: Boolean(row.confirmed),
        },
      ]),
    );
  }

  async confirmWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void> {
    await this.db('written_revisions')
      .where({
        organization_id: organizationId,
        work_item_id: workItemId,
        revision,
      })
      .update({ confirmed: true });
  }

  async lastAppliedRevision(
    organizationId: string,
    workItemId: number,
  ): Promise<number> {
    const row = await this.db('work_item_sync_state')
      .where({ organization_id: organizationId, work_item_id: workItemId })
      .first();
    return row ? Number(row.last_applied_revision) : 0;
  }

  async markApplied(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void> {
    await this.db('work_item_sync_state')
      .insert({
        organization_id: organizationId,
        work_item_id: workItemId,
        last_applied_revision: revision,
        updated_at: new Date(),
      })
      .onConflict(['organization_id', 'work_item_id'])
      .merge({
        last_applied_revision: this.db.raw(
          'CASE WHEN work_item_sync_state.last_applied_revision > ? THEN work_item_sync_state.last_applied_revision ELSE ? END',
          [revision, revision],
        ),
        updated_at: new Date(),
      });
  }
}
