import { azureDevOpsSyncIssueUpdatePermission } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { LinkKey } from '../database/IssueStore';
import { principalRef, RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';
import { IssueService } from '../issues/IssueService';

const linkParams = z.object({
  id: z.string().min(1),
  organizationId: z.string().min(1),
  // ADO ids are Int32: digits only, so "1e3" or "-1" is a 400, not a 404.
  workItemId: z
    .string()
    .regex(/^[1-9]\d{0,9}$/, 'must be a work item id (a positive integer)')
    .transform(Number)
    .refine(n => n <= 2 ** 31 - 1, 'must be a work item id (at most 2^31-1)'),
});

/**
 * One link of an issue: `POST …/retry` sends its failed or skipped change again, `DELETE`
 * unlinks it (nothing is deleted in ADO).
 */
export function issueLinksRouter(deps: {
  issueService: IssueService;
  authorizer: RouteAuthorizer;
}) {
  const router = Router();
  const path = '/issues/:id/links/:organizationId/:workItemId';

  const linkOf = (req: Request): LinkKey => {
    const params = parseInput(linkParams, req.params, 'link');
    return {
      issueId: params.id,
      organizationId: params.organizationId,
      workItemId: params.workItemId,
    };
  };

  router.post(`${path}/retry`, async (req, res) => {
    await deps.authorizer.require(req, azureDevOpsSyncIssueUpdatePermission);
    const issue = await deps.issueService.retryLinkSync(linkOf(req));
    res.status(202).json(issue);
  });

  router.delete(path, async (req, res) => {
    const credentials = await deps.authorizer.require(
      req,
      azureDevOpsSyncIssueUpdatePermission,
    );
    await deps.issueService.unlink(linkOf(req), {
      kind: 'user',
      userEntityRef: principalRef(credentials),
    });
    res.status(204).end();
  });

  return router;
}
