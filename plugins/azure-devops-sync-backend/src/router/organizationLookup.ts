import {
  OrganizationRecord,
  OrganizationStore,
} from '../database/OrganizationStore';

/**
 * The webhook's hot path: organizations by collection id, cached for a few seconds, and the
 * last-delivery stamp written at most once a second per organization. A cached row whose secret
 * does not match is read again, so a rotated secret is honoured at once.
 */
export class OrganizationLookup {
  private readonly cache = new Map<
    string,
    { record: OrganizationRecord; at: number }
  >();
  private readonly stamped = new Map<string, number>();

  constructor(
    private readonly organizations: OrganizationStore,
    private readonly ttlMs = 5_000,
    private readonly now: () => number = Date.now,
  ) {}

  async byCollectionId(
    collectionId: string,
    options: { fresh?: boolean } = {},
  ): Promise<OrganizationRecord | undefined> {
    const key = collectionId.toLowerCase();
    const hit = this.cache.get(key);
    if (!options.fresh && hit && this.now() - hit.at < this.ttlMs)
      return hit.record;
    const record = await this.organizations.getByExternalId(collectionId);
    // Misses are not cached: an organization connected a moment ago must be found at once.
    if (record) this.cache.set(key, { record, at: this.now() });
    else this.cache.delete(key);
    return record;
  }

  async stampDelivery(organizationId: string): Promise<void> {
    const last = this.stamped.get(organizationId) ?? 0;
    if (this.now() - last < 1_000) return;
    this.stamped.set(organizationId, this.now());
    await this.organizations.update(organizationId, {
      lastDeliveryAt: new Date(this.now()),
    });
  }
}
