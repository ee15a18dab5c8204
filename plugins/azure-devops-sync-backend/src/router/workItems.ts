import type { WorkItemSearchResult } from '@internal/plugin-azure-devops-sync-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { searchWorkItems } from '../service/searchWorkItems';
import { RouteAuthorizer } from './permissions';
import { parseInput } from './validation';

const searchSchema = z.object({
  q: z.string().trim().min(1, 'q must not be empty').max(200),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** `GET /organizations/:id/work-items/search?q=`. */
export function workItemsRouter(deps: {
  clients: AdoClientFactory;
  authorizer: RouteAuthorizer;
}) {
  const router = Router();

  router.get('/organizations/:id/work-items/search', async (req, res) => {
    await deps.authorizer.credentials(req);
    const { q, limit } = parseInput(
      searchSchema,
      { q: req.query.q ?? '', limit: req.query.limit ?? undefined },
      'search',
    );
    const { client } = await deps.clients.forOrganization(req.params.id);
    const items = await searchWorkItems(client, q, limit);
    res.json({ items } satisfies WorkItemSearchResult);
  });

  return router;
}
