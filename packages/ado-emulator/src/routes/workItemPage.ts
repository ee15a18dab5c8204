import express, { Request, Response, Router } from 'express';
import { RouteContext } from '../context';
import { escapeHtml } from '../html/escape';
import { renderNotFoundPage, renderWorkItemPage } from '../html/workItemHtml';
import { WorkItemHistory } from '../state/history';
import { Organization, WorkItem } from '../state/model';
import { fieldsToOps, updateWorkItem } from '../state/workItems';
import { AdoError } from '../util/errors';

const PATHS = [
  '/:org/_workitems/edit/:id',
  '/:org/:project/_workitems/edit/:id',
];

/**
 * The browser page of a work item (`{org}/[{project}/]_workitems/edit/{id}`, where "Open in
 * Azure DevOps" links go), without credentials: the emulator is a local demo stand-in. A form on
 * the page changes the item as a user in ADO would (same rules and service hooks as REST).
 */
export function workItemPageRoutes(
  { state }: RouteContext,
  history: WorkItemHistory,
): Router {
  const router = Router();

  const find = (
    req: Request,
    res: Response,
  ): { org: Organization; wi: WorkItem } | undefined => {
    const notFound = (message: string) => {
      res.status(404).type('html').send(renderNotFoundPage(message));
      return undefined;
    };
    const org = state.org(req.params.org);
    if (!org) {
      const known = [...state.orgs.values()].map(o => o.name).sort();
      return notFound(
        `This emulator has no organization "${
          req.params.org
        }". It knows: ${known.join(', ')}.`,
      );
    }
    const id = Number(req.params.id);
    const wi = Number.isInteger(id) ? org.workItems.get(id) : undefined;
    if (!wi) return notFound(`${org.name} has no work item ${req.params.id}.`);
    if (wi.deleted) {
      return notFound(
        `Work item ${wi.id} of ${org.name} is in the recycle bin (deleted).`,
      );
    }
    return { org, wi };
  };

  router.get(PATHS, (req, res) => {
    const found = find(req, res);
    if (!found) return;
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(
        renderWorkItemPage(
          state,
          found.org,
          found.wi,
          history.entries(found.org, found.wi.id),
        ),
      );
  });

  router.post(
    PATHS,
    express.urlencoded({ extended: false, limit: '100kb' }),
    (req, res) => {
      const found = find(req, res);
      if (!found) return;
      const { org, wi } = found;
      const body = (req.body ?? {}) as Record<string, unknown>;
      const by = state.findIdentity(String(body.as ?? ''));
      if (!by || !by.orgs.has(org.name.toLowerCase())) {
        throw new AdoError(400, 'ArgumentException', `Unknown user ${body.as}`);
      }
      const fields: Record<string, unknown> = {};
      if (typeof body.state === 'string' && body.state) {
        fields['System.State'] = body.state;
      }
      if (typeof body.assignedTo === 'string') {
        fields['System.AssignedTo'] = body.assignedTo || null;
        if (!body.assignedTo && !wi.fields['System.AssignedTo']) {
          delete fields['System.AssignedTo'];
        }
      }
      if (typeof body.comment === 'string' && body.comment.trim()) {
        // ADO's editor stores rich text: the typed text, escaped, with line breaks.
        fields['System.History'] = escapeHtml(body.comment.trim()).replace(
          /\r?\n/g,
          '<br>',
        );
      }
      updateWorkItem(state, org, wi, fieldsToOps(fields), by);
      res.redirect(303, req.originalUrl);
    },
  );

  return router;
}
