import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { SubscriptionStatus } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  HOOK_EVENT_TYPES,
  OrganizationHook,
  OrganizationPatch,
  OrganizationRecord,
  OrganizationStore,
} from './OrganizationStore';
import { RawDbOrganizationRow, toIso } from './tables';

const TABLE = 'organizations';
/** The hooks besides `workitem.updated` (that one stays on the organization row). */
const HOOKS_TABLE = 'organization_hooks';

interface RawDbHookRow {
  organization_id: string;
  event_type: string;
  subscription_id: string;
  secret: string;
  status: string;
  checked_at: Date | string | null;
}

/** Knex-backed {@link OrganizationStore}. */
export class DatabaseOrganizationStore implements OrganizationStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async list(): Promise<OrganizationRecord[]> {
    const rows = await this.db<RawDbOrganizationRow>(TABLE).orderBy('name');
    return this.withHooks(rows);
  }

  async get(id: string): Promise<OrganizationRecord | undefined> {
    return this.findOne({ id });
  }

  async getByName(name: string): Promise<OrganizationRecord | undefined> {
    const row = await this.db<RawDbOrganizationRow>(TABLE)
      .whereRaw('LOWER(name) = ?', [name.toLowerCase()])
      .first();
    return row ? (await this.withHooks([row]))[0] : undefined;
  }

  async getByExternalId(
    externalId: string,
  ): Promise<OrganizationRecord | undefined> {
    const row = await this.db<RawDbOrganizationRow>(TABLE)
      .whereRaw('LOWER(external_id) = ?', [externalId.toLowerCase()])
      .first();
    return row ? (await this.withHooks([row]))[0] : undefined;
  }

  async createOrGet(input: {
    name: string;
    externalId: string | null;
    domainName: string;
  }): Promise<OrganizationRecord> {
    const existing = await this.getByName(input.name);
    if (existing) return existing;
    try {
      await this.db<RawDbOrganizationRow>(TABLE).insert({
        id: randomUUID(),
        name: input.name,
        external_id: input.externalId,
        domain_name: input.domainName,
        status: 'active',
        subscription_status: 'missing',
      });
    } catch (error) {
      // Two replicas connecting the same organization at start-up: the other one won.
      if (!isDatabaseConflictError(error)) throw error;
    }
    const created = await this.getByName(input.name);
    if (!created) {
      throw new Error(`Organization ${input.name} could not be stored`);
    }
    return created;
  }

  async update(
    id: string,
    patch: OrganizationPatch,
  ): Promise<OrganizationRecord> {
    const columns: Partial<RawDbOrganizationRow> = {};
    if (patch.externalId !== undefined) columns.external_id = patch.externalId;
    if (patch.domainName !== undefined) columns.domain_name = patch.domainName;
    if (patch.status !== undefined) columns.status = patch.status;
    if (patch.statusReason !== undefined)
      columns.status_reason = patch.statusReason;
    if (patch.subscriptionId !== undefined)
      columns.subscription_id = patch.subscriptionId;
    if (patch.subscriptionSecret !== undefined)
      columns.subscription_secret = patch.subscriptionSecret;
    if (patch.subscriptionStatus !== undefined)
      columns.subscription_status = patch.subscriptionStatus;
    if (patch.subscriptionCheckedAt !== undefined)
      columns.subscription_checked_at = patch.subscriptionCheckedAt;
    if (patch.lastDeliveryAt !== undefined)
      columns.last_delivery_at = patch.lastDeliveryAt;
    const count = await this.db<RawDbOrganizationRow>(TABLE)
      .where({ id })
      .update({ ...columns, updated_at: this.db.fn.now() as any });
    if (count === 0) throw new NotFoundError(`No organization with id ${id}`);
    return (await this.get(id))!;
  }

  private async findOne(
    where: Partial<RawDbOrganizationRow>,
  ): Promise<OrganizationRecord | undefined> {
    const row = await this.db<RawDbOrganizationRow>(TABLE).where(where).first();
    return row ? (await this.withHooks([row]))[0] : undefined;
  }

  async saveHook(
    organizationId: string,
    hook: Omit<OrganizationHook, 'checkedAt'> & { id: string; secret: string },
  ): Promise<void> {
    const checkedAt = new Date();
    if (hook.eventType === 'workitem.updated') {
      await this.update(organizationId, {
        subscriptionId: hook.id,
        subscriptionSecret: hook.secret,
        subscriptionStatus: hook.status,
        subscriptionCheckedAt: checkedAt,
      });
      return;
    }
    await this.db<RawDbHookRow>(HOOKS_TABLE)
      .insert({
        organization_id: organizationId,
        event_type: hook.eventType,
        subscription_id: hook.id,
        secret: hook.secret,
        status: hook.status,
        checked_at: checkedAt,
      })
      .onConflict(['organization_id', 'event_type'])
      .merge();
  }

  /** Records with their hooks, read in one query for all of them. */
  private async withHooks(
    rows: RawDbOrganizationRow[],
  ): Promise<OrganizationRecord[]> {
    if (rows.length === 0) return [];
    const hookRows = await this.db<RawDbHookRow>(HOOKS_TABLE).whereIn(
      'organization_id',
      rows.map(r => r.id),
    );
    return rows.map(row =>
      toRecord(
        row,
        hookRows.filter(h => h.organization_id === row.id),
      ),
    );
  }
}

function toRecord(
  row: RawDbOrganizationRow,
  hookRows: RawDbHookRow[],
): OrganizationRecord {
  const subscription = {
    id: row.subscription_id,
    secret: row.subscription_secret,
    status: row.subscription_status as SubscriptionStatus,
    checkedAt: toIso(row.subscription_checked_at),
  };
  const hooks = HOOK_EVENT_TYPES.map((eventType): OrganizationHook => {
    if (eventType === 'workitem.updated') return { eventType, ...subscription };
    const stored = hookRows.find(h => h.event_type === eventType);
    return stored
      ? {
          eventType,
          id: stored.subscription_id,
          secret: stored.secret,
          status: stored.status as SubscriptionStatus,
          checkedAt: toIso(stored.checked_at),
        }
      : {
          eventType,
          id: null,
          secret: null,
          status: 'missing',
          checkedAt: null,
        };
  });
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    domainName: row.domain_name,
    status: row.status === 'error' ? 'error' : 'active',
    statusReason: row.status_reason,
    subscription,
    hooks,
    lastDeliveryAt: toIso(row.last_delivery_at),
    createdAt: toIso(row.created_at)!,
  };
}
