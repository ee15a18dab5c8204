import { azureDevOpsSyncConfigUpdatePermission } from '@internal/plugin-azure-devops-sync-common';
import Router from 'express-promise-router';
import { OrgConfigService } from '../service/OrgConfigService';
import { principalRef, RouteAuthorizer } from '../http/permissions';

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
    res.json(await deps.orgConfig.get(req.params.id, { refresh, canUpdate }));
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
