/** A stored ingest key (created through `POST /sdk-keys`). */
export interface SdkKeyRecord {
  publicKey: string;
  entityRef: string;
  createdBy?: string;
  createdAt: string;
  /** ISO time the key was revoked; absent while it is active. */
  revokedAt?: string;
}

/** Ingest keys created through the API (config keys live in {@link SdkIngestSettings}). */
export interface SdkKeyStore {
  create(key: {
    publicKey: string;
    entityRef: string;
    createdBy?: string;
  }): Promise<SdkKeyRecord>;
  /** Active keys, oldest first; all entities' when `entityRef` is absent. */
  list(entityRef?: string): Promise<SdkKeyRecord[]>;
  /** The key (active or revoked) whose public key has this SHA-256 digest. */
  findByDigest(digest: string): Promise<SdkKeyRecord | undefined>;
  /** Marks the key revoked; false when no such key exists. Revoking twice keeps the first time. */
  revoke(publicKey: string, revokedBy?: string): Promise<boolean>;
}
