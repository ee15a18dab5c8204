import {
  azureDevOpsSyncOrganizationCreatePermission,
  OrganizationList,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import {
  OrganizationStore,
  toApiOrganization,
} from '../database/OrganizationStore';
import { OrganizationConnector } from '../service/OrganizationConnector';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';

const connectSchema = z
  .object({ name: z.string().trim().min(1).max(300) })
  .strict();

/** `GET /organizations`, `POST /organizations`. */
export function organizationsRouter(deps: {
  organizations: OrganizationStore;
  connector: OrganizationConnector;
  authorizer: RouteAuthorizer;
}) {
  const router = Router();

  router.get('/organizations', async (req, res) => {
    await deps.authorizer.credentials(req);
    const items = (await deps.organizations.list()).map(toApiOrganization);
    res.json({ items } satisfies OrganizationList);
  });

  router.post('/organizations', async (req, res) => {
    await deps.authorizer.require(
      req,
      azureDevOpsSyncOrganizationCreatePermission,
    );
    const { name } = parseInput(connectSchema, req.body, 'organization');
    const organization = await deps.connector.connect(name);
    res.status(201).json(toApiOrganization(organization));
  });

  return router;
}
