import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { IssueStore } from '../database/IssueStore';
import { entityRefField } from '../errorEvents/canonicalEntityRef';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';

export interface IssuesRouterOptions {
  issues: IssueStore;
  authorizer: RouteAuthorizer;
}

const listQuery = z.object({
  // Stored refs are canonical (lower-case), as the event route writes them.
  entityRef: entityRefField,
  status: z.enum(['unresolved', 'resolved', 'ignored']).optional(),
});

/** Read routes for issues: list per entity, one issue, its activity. */
export function issuesRouter(options: IssuesRouterOptions): express.Router {
  const { issues, authorizer } = options;
  const router = Router();

  router.get('/issues', async (req, res) => {
    await authorizer.credentials(req);
    const { entityRef, status } = parseInput(listQuery, req.query, 'query');
    const items = await issues.list({
      entityRef,
      ...(status ? { status } : {}),
    });
    res.json({ items });
  });

  router.get('/issues/:id', async (req, res) => {
    await authorizer.credentials(req);
    const issue = await issues.get(req.params.id);
    if (!issue) throw new NotFoundError(`No issue with id ${req.params.id}`);
    res.json(issue);
  });

  router.get('/issues/:id/activity', async (req, res) => {
    await authorizer.credentials(req);
    const issue = await issues.get(req.params.id);
    if (!issue) throw new NotFoundError(`No issue with id ${req.params.id}`);
    res.json({ items: await issues.listActivity(issue.id) });
  });

  return router;
}
