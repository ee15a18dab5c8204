import { CacheService } from '@backstage/backend-plugin-api';
import type { ProjectCatalog } from '../sync/configFields';
import { AdoClientFactory } from './AdoClientFactory';
import { fetchProjectCatalog } from './fetchProjectCatalog';

/** How long a catalog is kept in process before the shared cache is asked again. */
const IN_PROCESS_MS = 10_000;

/**
 * ADO projects and their states per organization, cached with Backstage's cache service (shared
 * by replicas) and, for a few seconds, in process: the shared cache answers with a copy to parse
 * (milliseconds for hundreds of projects), and the settings form asks on every render. The same
 * object is returned until then, so callers must not change it, and may key work on it.
 */
export class ProjectCatalogService {
  private readonly recent = new Map<
    string,
    { catalog: ProjectCatalog; until: number }
  >();

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
      const recent = this.recent.get(organizationId);
      if (recent && recent.until > Date.now()) return recent.catalog;
      const cached = (await this.deps.cache.get(key)) as
        | ProjectCatalog
        | undefined;
      if (cached) return this.keep(organizationId, cached);
    }
    const { client } = await this.deps.clients.forOrganization(organizationId);
    const catalog = await fetchProjectCatalog(client, {
      concurrency: this.deps.concurrency,
    });
    await this.deps.cache.set(key, catalog as any, { ttl: this.deps.ttlMs });
    return this.keep(organizationId, catalog);
  }

  private keep(organizationId: string, catalog: ProjectCatalog) {
    this.recent.set(organizationId, {
      catalog,
      until: Date.now() + Math.min(IN_PROCESS_MS, this.deps.ttlMs),
    });
    return catalog;
  }

  /**
   * The "done" states of a project: configured ones, else those in the Resolved/Completed
   * categories. A failed lookup throws, so callers wait for a retry instead of guessing.
   */
  async doneStates(
    organizationId: string,
    projectId: string | undefined,
    configured: Record<string, string[]>,
  ): Promise<string[]> {
    if (!projectId) {
      throw new Error('No project is known, so its done states are unknown');
    }
    if (configured[projectId]) return configured[projectId];
    for (const refresh of [false, true]) {
      const catalog = await this.get(organizationId, { refresh });
      const states = catalog.states[projectId];
      if (states) return states.defaultDoneStates;
    }
    throw new Error(`The states of project ${projectId} are unknown`);
  }
}
