import type {
  OrganizationConfigUpdate,
  OrganizationConfigValues,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import { DEFAULT_CONFIG_VALUES, OrgConfigStore } from './OrgConfigStore';
import { RawDbOrganizationConfigRow, RawDbProjectMappingRow } from './tables';

type StoredConfig = Omit<OrganizationConfigValues, 'sync_status_forward'>;

/** Knex-backed {@link OrgConfigStore}: settings as JSON, mapping rows as a table. */
export class DatabaseOrgConfigStore implements OrgConfigStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async get(organizationId: string): Promise<OrganizationConfigValues> {
    return readConfig(this.db, organizationId);
  }

  async update(
    organizationId: string,
    update: OrganizationConfigUpdate,
    updatedBy?: string,
  ): Promise<OrganizationConfigValues> {
    return this.db.transaction(async tx => {
      const current = await readConfig(tx, organizationId);
      const { sync_status_forward: mapping, ...rest } = update;

      if (mapping !== undefined) {
        await tx<RawDbProjectMappingRow>('project_mappings')
          .where({ organization_id: organizationId })
          .delete();
        const rows = Object.entries(mapping).map(([projectId, row]) => ({
          organization_id: organizationId,
          project_id: projectId,
          on_resolve: row.on_resolve,
          on_unresolve: row.on_unresolve,
        }));
        if (rows.length > 0) {
          await tx<RawDbProjectMappingRow>('project_mappings').insert(rows);
        }
      }

      const { sync_status_forward: _mapping, ...stored } = current;
      const merged: StoredConfig = { ...stored, ...rest };
      await tx<RawDbOrganizationConfigRow>('organization_configs')
        .insert({
          organization_id: organizationId,
          config: JSON.stringify(merged),
          updated_by: updatedBy ?? null,
          updated_at: tx.fn.now() as any,
        })
        .onConflict('organization_id')
        .merge(['config', 'updated_by', 'updated_at']);

      return readConfig(tx, organizationId);
    });
  }

  async getCreateDefaults(
    organizationId: string,
    entityRef: string,
  ): Promise<{ projectId: string; workItemType: string } | undefined> {
    const row = await this.db('create_defaults')
      .where({ organization_id: organizationId, entity_ref: entityRef })
      .first();
    return row
      ? { projectId: row.project_id, workItemType: row.work_item_type }
      : undefined;
  }

  async setCreateDefaults(
    organizationId: string,
    entityRef: string,
    defaults: { projectId: string; workItemType: string },
  ): Promise<void> {
    await this.db('create_defaults')
      .insert({
        organization_id: organizationId,
        entity_ref: entityRef,
        project_id: defaults.projectId,
        work_item_type: defaults.workItemType,
        updated_at: new Date(),
      })
      .onConflict(['organization_id', 'entity_ref'])
      .merge(['project_id', 'work_item_type', 'updated_at']);
  }
}

async function readConfig(
  db: Knex | Knex.Transaction,
  organizationId: string,
): Promise<OrganizationConfigValues> {
  const [row, mappings] = await Promise.all([
    db<RawDbOrganizationConfigRow>('organization_configs')
      .where({ organization_id: organizationId })
      .first(),
    db<RawDbProjectMappingRow>('project_mappings')
      .where({ organization_id: organizationId })
      .orderBy('project_id'),
  ]);
  const stored: Partial<StoredConfig> = row ? JSON.parse(row.config) : {};
  const sync_status_forward: OrganizationConfigValues['sync_status_forward'] =
    {};
  for (const m of mappings) {
    sync_status_forward[m.project_id] = {
      on_resolve: m.on_resolve,
      on_unresolve: m.on_unresolve,
    };
  }
  return {
    ...DEFAULT_CONFIG_VALUES,
    ...stored,
    inbound_done_states: {
      ...(stored.inbound_done_states ?? {}),
    },
    sync_status_forward,
  };
}
