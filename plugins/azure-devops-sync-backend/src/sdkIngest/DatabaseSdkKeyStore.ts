import { Knex } from 'knex';
import { toIso } from '../database/tables';
import { keyDigest } from './keyDigest';
import { SdkKeyRecord, SdkKeyStore } from './SdkKeyStore';

const TABLE = 'sdk_keys';

interface RawDbSdkKeyRow {
  key_digest: string;
  public_key: string;
  entity_ref: string;
  created_by: string | null;
  created_at: Date | string;
  revoked_at: Date | string | null;
  revoked_by: string | null;
}

function toRecord(row: RawDbSdkKeyRow): SdkKeyRecord {
  return {
    publicKey: row.public_key,
    entityRef: row.entity_ref,
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    createdAt: toIso(row.created_at)!,
    ...(row.revoked_at ? { revokedAt: toIso(row.revoked_at)! } : {}),
  };
}

/** Knex-backed {@link SdkKeyStore}. */
export class DatabaseSdkKeyStore implements SdkKeyStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  async create(key: {
    publicKey: string;
    entityRef: string;
    createdBy?: string;
  }): Promise<SdkKeyRecord> {
    const [row] = await this.db<RawDbSdkKeyRow>(TABLE)
      .insert({
        key_digest: keyDigest(key.publicKey),
        public_key: key.publicKey,
        entity_ref: key.entityRef,
        created_by: key.createdBy ?? null,
      })
      .returning('*');
    return toRecord(row);
  }

  async list(entityRef?: string): Promise<SdkKeyRecord[]> {
    const query = this.db<RawDbSdkKeyRow>(TABLE)
      .whereNull('revoked_at')
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'public_key', order: 'asc' },
      ]);
    if (entityRef) query.where('entity_ref', entityRef);
    return (await query).map(toRecord);
  }

  async findByDigest(digest: string): Promise<SdkKeyRecord | undefined> {
    const row = await this.db<RawDbSdkKeyRow>(TABLE)
      .where('key_digest', digest)
      .first();
    return row ? toRecord(row) : undefined;
  }

  async revoke(publicKey: string, revokedBy?: string): Promise<boolean> {
    const digest = keyDigest(publicKey);
    await this.db<RawDbSdkKeyRow>(TABLE)
      .where('key_digest', digest)
      .whereNull('revoked_at')
      .update({ revoked_at: this.db.fn.now(), revoked_by: revokedBy ?? null });
    return (await this.findByDigest(digest)) !== undefined;
  }
}
