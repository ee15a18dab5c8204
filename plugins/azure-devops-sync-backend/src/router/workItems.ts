import type { WorkItemSearchResult } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { ANNOTATION_PROJECT } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { InputError } from '@backstage/errors';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { WorkItemLinker } from '../service/WorkItemLinker';
import { searchWorkItems } from '../service/searchWorkItems';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';

const searchSchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(200),
  limit: z.coerce.number().int().min(1).max(50).default(20),
  project: z.string().trim().min(1).max(256).optional(),
});

const createConfigSchema = z.object({
  entityRef: z.string().trim().min(1, 'entityRef is required').max(500),
  project: z.string().trim().min(1).max(256).optional(),
});

/** `GET /organizations/:id/work-items/search?q=`, `GET /organizations/:id/create-config`. */
export function workItemsRouter(deps: {
  clients: AdoClientFactory;
  authorizer: RouteAuthorizer;
  linker: WorkItemLinker;
  users: UserDirectory;
  catalogs: ProjectCatalogService;
}) {
  const router = Router();

  router.get('/organizations/:id/work-items/search', async (req, res) => {
    await deps.authorizer.credentials(req);
    const { q, limit, project } = parseInput(
      searchSchema,
      { ...req.query, q: req.query.q ?? '' },
      'search',
    );
    let projectName: string | undefined;
    if (project) {
      const wanted = project.toLowerCase();
      const { projects } = await deps.catalogs.get(req.params.id);
      projectName = projects.find(
        p => p.id.toLowerCase() === wanted || p.name.toLowerCase() === wanted,
      )?.name;
      if (!projectName)
        throw new InputError(
          `Project ${project} does not exist in this organization`,
        );
    }
    const { client } = await deps.clients.forOrganization(req.params.id);
    const items = await searchWorkItems(client, q, limit, projectName);
    res.json({ items } satisfies WorkItemSearchResult);
  });

  router.get('/organizations/:id/create-config', async (req, res) => {
    await deps.authorizer.credentials(req);
    const query = parseInput(createConfigSchema, req.query, 'query');
    const entity = await deps.users
      .getEntity(query.entityRef)
      .catch(() => undefined);
    if (!entity)
      throw new InputError(
        `${query.entityRef} is not an entity in the catalog`,
      );
    res.json(
      await deps.linker.createConfig(req.params.id, {
        entityRef: query.entityRef,
        project: query.project,
        annotatedProject: entity.metadata.annotations?.[ANNOTATION_PROJECT],
      }),
    );
  });

  return router;
}
