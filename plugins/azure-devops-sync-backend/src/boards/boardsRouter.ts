import { MAX_WORK_ITEMS_PAGE } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { entityRefField } from '../errorEvents/canonicalEntityRef';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';
import { BoardsService } from './BoardsService';
import { MAX_WIQL_RESULTS } from './buildWiql';

/** The largest `skip`: a WIQL query answers at most this many work items. */
const MAX_SKIP = MAX_WIQL_RESULTS;

/** An optional text filter; empty means no filter. */
const textFilter = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f]*$/, 'must not contain control characters')
    .transform(v => v || undefined)
    .optional();

const wholeNumber = (min: number, max: number, fallback: number) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .refine(
      n => n >= min && n <= max,
      `must be a whole number from ${min} to ${max}`,
    )
    .optional()
    .transform(n => n ?? fallback);

const listQuery = z.object({
  entityRef: entityRefField,
  state: textFilter(256),
  type: textFilter(256),
  assignedTo: textFilter(512),
  q: textFilter(200),
  top: wholeNumber(1, MAX_WORK_ITEMS_PAGE, 50),
  skip: wholeNumber(0, MAX_SKIP, 0),
  refresh: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform(v => v === 'true'),
});

/** `GET /work-items?entityRef=`: an entity's Azure Boards work items, from its annotations. */
export function boardsRouter(deps: {
  boards: BoardsService;
  catalog: CatalogService;
  authorizer: RouteAuthorizer;
}): express.Router {
  const router = Router();

  router.get('/work-items', async (req, res) => {
    const credentials = await deps.authorizer.credentials(req);
    const { entityRef, ...filters } = parseInput(listQuery, req.query, 'query');
    // With the caller's credentials: an entity they may not see has no board for them either.
    const entity = await deps.catalog.getEntityByRef(entityRef, {
      credentials,
    });
    if (!entity)
      throw new NotFoundError(`No entity ${entityRef} in the catalog`);
    res.json(await deps.boards.list(entity, filters));
  });

  return router;
}
