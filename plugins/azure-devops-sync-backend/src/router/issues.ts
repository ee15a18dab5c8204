import { NotFoundError } from '@backstage/errors';
import type { ActivityPage } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { IssueStore } from '../database/IssueStore';
import { entityRefField } from '../errorEvents/canonicalEntityRef';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';
import { decodeActivityCursor, encodeActivityCursor } from './activityCursor';

export interface IssuesRouterOptions {
  issues: IssueStore;
  authorizer: RouteAuthorizer;
}

const listQuery = z.object({
  // Stored refs are canonical (lower-case), as the event route writes them.
  entityRef: entityRefField,
  status: z.enum(['unresolved', 'resolved', 'ignored']).optional(),
});

const activityQuery = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, 'must be a whole number from 1 to 200')
    .transform(Number)
    .refine(n => n >= 1 && n <= 200, 'must be a whole number from 1 to 200')
    .optional(),
  cursor: z
    .string()
    .transform((cursor, ctx) => {
      const position = decodeActivityCursor(cursor);
      if (!position) {
        ctx.addIssue({
          code: 'custom',
          message:
            'is not a cursor this route gave out (pass nextCursor as is)',
        });
        return z.NEVER;
      }
      return position;
    })
    .optional(),
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

  // Newest first, in pages: one issue reached 3,166 items (1.7 MB) after a load test.
  router.get('/issues/:id/activity', async (req, res) => {
    await authorizer.credentials(req);
    const { limit = 50, cursor } = parseInput(
      activityQuery,
      req.query,
      'query',
    );
    const issue = await issues.get(req.params.id);
    if (!issue) throw new NotFoundError(`No issue with id ${req.params.id}`);
    // One more than asked says whether another page follows.
    const rows = await issues.listActivityPage(issue.id, {
      limit: limit + 1,
      after: cursor,
    });
    const items = rows.slice(0, limit);
    const last = items[items.length - 1];
    const page: ActivityPage = {
      items,
      nextCursor:
        rows.length > limit
          ? encodeActivityCursor({ createdAt: last.createdAt, id: last.id })
          : null,
    };
    res.json(page);
  });

  return router;
}
