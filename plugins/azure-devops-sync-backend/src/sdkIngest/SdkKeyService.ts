import { ConflictError, NotFoundError } from '@backstage/errors';
import type { SdkKey } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { buildDsn, projectIdOf } from './dsn';
import { keyDigest, newPublicKey } from './keyDigest';
import type { SdkIngestSettings } from './SdkIngestSettings';
import type { SdkKeyRecord, SdkKeyStore } from './SdkKeyStore';

/** What an SDK's key turned out to be. */
export type ResolvedSdkKey =
  | { status: 'active'; entityRef: string; projectId: string }
  | { status: 'revoked' }
  | { status: 'unknown' };

/**
 * Stored lookups are kept this long, so an SDK sending many envelopes costs no query each; a
 * key created or revoked on this replica takes effect at once, on another one within this.
 */
const CACHE_MS = 5_000;
const CACHE_MAX = 10_000;

/** Ingest keys from app-config and from the API, and what a presented key resolves to. */
export class SdkKeyService {
  private readonly configKeys: Map<
    string,
    { publicKey: string; entityRef: string }
  >;
  private readonly cache = new Map<
    string,
    { at: number; record: SdkKeyRecord | undefined }
  >();

  constructor(
    private readonly deps: {
      store: SdkKeyStore;
      settings: Pick<SdkIngestSettings, 'configKeys' | 'backendBaseUrl'>;
      now?: () => number;
    },
  ) {
    this.configKeys = new Map(
      deps.settings.configKeys.map(k => [keyDigest(k.publicKey), k]),
    );
  }

  /** Config keys first, then the stored ones; only active keys. */
  async list(entityRef?: string): Promise<SdkKey[]> {
    const fromConfig = [...this.configKeys.values()]
      .filter(k => !entityRef || k.entityRef === entityRef)
      .map(k => this.toApi({ ...k, source: 'config' }));
    const stored = (await this.deps.store.list(entityRef)).map(r =>
      this.toApi({ ...r, source: 'api' }),
    );
    return [...fromConfig, ...stored];
  }

  async create(entityRef: string, createdBy?: string): Promise<SdkKey> {
    const record = await this.deps.store.create({
      publicKey: newPublicKey(),
      entityRef,
      createdBy,
    });
    this.cache.delete(keyDigest(record.publicKey));
    return this.toApi({ ...record, source: 'api' });
  }

  /** 409 for a config key (it lives in app-config), 404 for an unknown one. */
  async revoke(publicKey: string, revokedBy?: string): Promise<void> {
    const digest = keyDigest(publicKey);
    if (this.configKeys.has(digest)) {
      throw new ConflictError(
        'This key is defined in app-config (azureDevOpsSync.sdkIngest.keys); remove it there',
      );
    }
    const found = await this.deps.store.revoke(publicKey, revokedBy);
    this.cache.delete(digest);
    if (!found) throw new NotFoundError('No such SDK key');
  }

  /** The key an SDK presented: never compared itself, only its digest is looked up. */
  async resolve(presented: string): Promise<ResolvedSdkKey> {
    const digest = keyDigest(presented);
    const configured = this.configKeys.get(digest);
    if (configured) return this.active(configured.entityRef);
    const now = this.deps.now?.() ?? Date.now();
    let cached = this.cache.get(digest);
    if (!cached || now - cached.at > CACHE_MS) {
      cached = { at: now, record: await this.deps.store.findByDigest(digest) };
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(digest, cached);
    }
    const record = cached.record;
    if (!record) return { status: 'unknown' };
    if (record.revokedAt) return { status: 'revoked' };
    return this.active(record.entityRef);
  }

  private active(entityRef: string): ResolvedSdkKey {
    return { status: 'active', entityRef, projectId: projectIdOf(entityRef) };
  }

  private toApi(key: {
    publicKey: string;
    entityRef: string;
    source: SdkKey['source'];
    createdAt?: string;
    createdBy?: string;
  }): SdkKey {
    return {
      publicKey: key.publicKey,
      entityRef: key.entityRef,
      dsn: buildDsn(
        this.deps.settings.backendBaseUrl,
        key.publicKey,
        key.entityRef,
      ),
      projectId: projectIdOf(key.entityRef),
      source: key.source,
      ...(key.createdAt ? { createdAt: key.createdAt } : {}),
      ...(key.createdBy ? { createdBy: key.createdBy } : {}),
    };
  }
}
