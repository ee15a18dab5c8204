import { azureDevOpsSyncConfigUpdatePermission } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import Router from 'express-promise-router';
import { OrgConfigService } from '../service/OrgConfigService';
import { principalRef, RouteAuthorizer } from '../http/permissions';

/**
 * RFC 9110's If-None-Match: any listed tag equal to ours, weakly (a compressing proxy marks tags
 * weak). Not express's `req.fresh`, which refuses every request with `Cache-Control: no-cache`,
 * and fetch() adds that to any request it is given an If-None-Match for.
 */
function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some(tag => tag.trim().replace(/^W\//, '') === etag);
}

/** `GET` and `PUT /organizations/:id/config`. */
export function orgConfigRouter(deps: {
  orgConfig: OrgConfigService;
  authorizer: RouteAuthorizer;
}) {
  const router = Router();

  router.get('/organizations/:id/config', async (req, res) => {
    const canUpdate = await deps.authorizer.allowed(
      req,
      azureDevOpsSyncConfigUpdatePermission,
    );
    const refresh = req.query.refresh === 'true' || req.query.refresh === '1';
    const answer = await deps.orgConfig.getResponse(req.params.id, {
      refresh,
      canUpdate,
    });
    // The form asks again on every visit: an unchanged answer is a 304 without a body.
    res.setHeader('ETag', answer.etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    if (etagMatches(req.get('If-None-Match'), answer.etag)) {
      res.status(304).end();
      return;
    }
    res.type('application/json').send(answer.json);
  });

  router.put('/organizations/:id/config', async (req, res) => {
    const credentials = await deps.authorizer.require(
      req,
      azureDevOpsSyncConfigUpdatePermission,
    );
    await deps.orgConfig.update(req.params.id, req.body, {
      updatedBy: principalRef(credentials),
    });
    res.json(await deps.orgConfig.get(req.params.id, { canUpdate: true }));
  });

  return router;
}
