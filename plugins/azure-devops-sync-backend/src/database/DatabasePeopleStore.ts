import type {
  PersonMapping,
  PersonSuggestion,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import { identityKey, PeopleStore } from './PeopleStore';
import { toIso } from './tables';

const MAPPINGS = 'people_mappings';
const UNMATCHED = 'people_unmatched';

interface RawDbPersonMappingRow {
  organization_id: string;
  ado_identity: string;
  ado_identity_display: string;
  user_entity_ref: string;
  position: number;
  updated_by: string | null;
  updated_at: Date | string;
}

interface RawDbUnmatchedIdentityRow {
  organization_id: string;
  ado_identity: string;
  display_name: string | null;
  last_seen_at: Date | string;
}

/** Knex-backed {@link PeopleStore}. */
export class DatabasePeopleStore implements PeopleStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async list(organizationId: string): Promise<PersonMapping[]> {
    const rows = await this.db<RawDbPersonMappingRow>(MAPPINGS)
      .where({ organization_id: organizationId })
      .orderBy('position');
    return rows.map(r => ({
      adoIdentity: r.ado_identity_display,
      userEntityRef: r.user_entity_ref,
    }));
  }

  async replace(
    organizationId: string,
    items: PersonMapping[],
    updatedBy?: string,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      await tx(MAPPINGS).where({ organization_id: organizationId }).delete();
      if (items.length === 0) return;
      await tx
        .batchInsert<RawDbPersonMappingRow>(
          MAPPINGS,
          items.map((item, position) => ({
            organization_id: organizationId,
            ado_identity: identityKey(item.adoIdentity),
            ado_identity_display: item.adoIdentity.trim(),
            user_entity_ref: item.userEntityRef,
            position,
            updated_by: updatedBy ?? null,
            updated_at: new Date(),
          })),
          100,
        )
        .transacting(tx);
    });
  }

  async userFor(
    organizationId: string,
    adoIdentities: string[],
  ): Promise<string | undefined> {
    const keys = [...new Set(adoIdentities.map(identityKey))].filter(Boolean);
    if (keys.length === 0) return undefined;
    const rows = await this.db<RawDbPersonMappingRow>(MAPPINGS)
      .where({ organization_id: organizationId })
      .whereIn('ado_identity', keys);
    for (const key of keys) {
      const row = rows.find(r => r.ado_identity === key);
      if (row) return row.user_entity_ref;
    }
    return undefined;
  }

  async identityFor(
    organizationId: string,
    userEntityRef: string,
  ): Promise<string | undefined> {
    const row = await this.db<RawDbPersonMappingRow>(MAPPINGS)
      .where({
        organization_id: organizationId,
        user_entity_ref: userEntityRef.toLowerCase(),
      })
      .orderBy('position')
      .first();
    return row?.ado_identity_display;
  }

  async recordUnmatched(
    organizationId: string,
    adoIdentity: string,
    displayName?: string,
  ): Promise<void> {
    const key = identityKey(adoIdentity);
    if (!key) return;
    await this.db<RawDbUnmatchedIdentityRow>(UNMATCHED)
      .insert({
        organization_id: organizationId,
        ado_identity: key,
        display_name: displayName ?? null,
        last_seen_at: new Date(),
      })
      .onConflict(['organization_id', 'ado_identity'])
      .merge(['last_seen_at', ...(displayName ? ['display_name'] : [])] as any);
  }

  async suggestions(
    organizationId: string,
    limit = 100,
  ): Promise<PersonSuggestion[]> {
    const rows = await this.db<RawDbUnmatchedIdentityRow>(`${UNMATCHED} as u`)
      .select('u.ado_identity', 'u.display_name', 'u.last_seen_at')
      .where('u.organization_id', organizationId)
      .whereNotExists(
        this.db(`${MAPPINGS} as m`)
          .select(this.db.raw('1'))
          .whereRaw('m.organization_id = u.organization_id')
          .whereRaw('m.ado_identity = u.ado_identity'),
      )
      .orderBy([
        { column: 'u.last_seen_at', order: 'desc' },
        { column: 'u.ado_identity', order: 'asc' },
      ])
      .limit(limit);
    return rows.map(r => ({
      adoIdentity: r.ado_identity,
      ...(r.display_name ? { displayName: r.display_name } : {}),
      lastSeenAt: toIso(r.last_seen_at)!,
    }));
  }
}
