import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { SubscriptionStatus } from '@internal/plugin-azure-devops-sync-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  OrganizationPatch,
  OrganizationRecord,
  OrganizationStore,
} from './OrganizationStore';
import { RawDbOrganizationRow, toIso } from './tables';

const TABLE = 'organizations';

/** Knex-backed {@link OrganizationStore}. */
export class DatabaseOrganizationStore implements OrganizationStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async list(): Promise<OrganizationRecord[]> {
    const rows = await this.db<RawDbOrganizationRow>(TABLE).orderBy('name');
    return rows.map(toRecord);
  }

  async get(id: string): Promise<OrganizationRecord | undefined> {
    return this.findOne({ id });
  }

  async getByName(name: string): Promise<OrganizationRecord | undefined> {
    const row = await this.db<RawDbOrganizationRow>(TABLE)
      .whereRaw('LOWER(name) = ?', [name.toLowerCase()])
      .first();
    return row ? toRecord(row) : undefined;
  }

  async getByExternalId(
    externalId: string,
  ): Promise<OrganizationRecord | undefined> {
    const row = await this.db<RawDbOrganizationRow>(TABLE)
      .whereRaw('LOWER(external_id) = ?', [externalId.toLowerCase()])
      .first();
    return row ? toRecord(row) : undefined;
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
    return row ? toRecord(row) : undefined;
  }
}

function toRecord(row: RawDbOrganizationRow): OrganizationRecord {
  return {
    id: row.id,
    name: row.name,
    externalId: row.external_id,
    domainName: row.domain_name,
    status: row.status === 'error' ? 'error' : 'active',
    statusReason: row.status_reason,
    subscription: {
      id: row.subscription_id,
      secret: row.subscription_secret,
      status: row.subscription_status as SubscriptionStatus,
      checkedAt: toIso(row.subscription_checked_at),
    },
    lastDeliveryAt: toIso(row.last_delivery_at),
    createdAt: toIso(row.created_at)!,
  };
}
