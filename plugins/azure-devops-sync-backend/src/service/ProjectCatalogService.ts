import { CacheService } from '@backstage/backend-plugin-api';
import type { ProjectCatalog } from '../sync/configFields';
import { AdoClientFactory } from './AdoClientFactory';
import { fetchProjectCatalog } from './fetchProjectCatalog';

/** ADO projects and their states per organization, cached with Backstage's cache service. */
export class ProjectCatalogService {
  constructor(
    private readonly deps: {
      clients: AdoClientFactory;
      cache: CacheService;
      concurrency: number;
      ttlMs: number;
    },
  ) {}

  async get(
    organizationId: string,
    options: { refresh?: boolean } = {},
  ): Promise<ProjectCatalog> {
    const key = `project-catalog:v1:${organizationId}`;
    if (!options.refresh) {
      const cached = (await this.deps.cache.get(key)) as
        | ProjectCatalog
        | undefined;
      if (cached) return cached;
    }
    const { client } = await this.deps.clients.forOrganization(organizationId);
    const catalog = await fetchProjectCatalog(client, {
      concurrency: this.deps.concurrency,
    });
    await this.deps.cache.set(key, catalog as any, { ttl: this.deps.ttlMs });
    return catalog;
  }
}
