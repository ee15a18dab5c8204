import express from 'express';
import Router from 'express-promise-router';
import { OrganizationStore } from '../database/OrganizationStore';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { OrganizationConnector } from '../service/OrganizationConnector';
import { OrgConfigService } from '../service/OrgConfigService';
import { translateAdoErrors } from './adoErrors';
import { organizationsRouter } from './organizations';
import { orgConfigRouter } from './orgConfig';
import { RouteAuthorizer } from './permissions';
import { webhooksRouter } from './webhooks';
import { workItemsRouter } from './workItems';

export interface RouterOptions {
  organizations: OrganizationStore;
  clients: AdoClientFactory;
  connector: OrganizationConnector;
  orgConfig: OrgConfigService;
  authorizer: RouteAuthorizer;
}

/** The plugin's HTTP API; one router per resource. Errors go to Backstage's error middleware. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();

  // The webhook reads its own raw body (for its own limit and messages), so it comes first.
  router.use(webhooksRouter(options));

  router.use(express.json({ limit: '1mb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.use(organizationsRouter(options));
  router.use(orgConfigRouter(options));
  router.use(workItemsRouter(options));
  router.use(translateAdoErrors);

  return router;
}
