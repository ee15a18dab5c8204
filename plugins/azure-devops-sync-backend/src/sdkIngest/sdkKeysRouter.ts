import { InputError, NotFoundError } from '@backstage/errors';
import {
  azureDevOpsSyncSdkKeyCreatePermission,
  SdkKeyList,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { entityRefField } from '../errorEvents/canonicalEntityRef';
import { principalRef, RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';
import type { SdkKeyService } from './SdkKeyService';

export interface SdkKeysRouterOptions {
  sdkKeys: Pick<SdkKeyService, 'list' | 'create' | 'revoke'>;
  authorizer: RouteAuthorizer;
  catalog: CatalogService;
  /** `azureDevOpsSync.sdkIngest.enabled`: false answers 404. */
  sdkIngestEnabled: boolean;
}

const createBody = z.object({ entityRef: entityRefField }).strict();
const listQuery = z.object({ entityRef: entityRefField.optional() });

/**
 * `POST /sdk-keys`, `GET /sdk-keys?entityRef=`, `DELETE /sdk-keys/:publicKey`: ingest keys and
 * their DSNs. All three need `azure-devops-sync.sdk-key.create`: a key is a credential to write
 * onto its entity, so a caller without the permission gets a 403 and sees no key, of any entity.
 */
export function sdkKeysRouter(options: SdkKeysRouterOptions): express.Router {
  const { sdkKeys, authorizer, catalog } = options;
  const router = Router();
  const permission = azureDevOpsSyncSdkKeyCreatePermission;

  router.use('/sdk-keys', (_req, _res, next) => {
    next(
      options.sdkIngestEnabled
        ? undefined
        : new NotFoundError(
            'Sentry SDK ingest is disabled (azureDevOpsSync.sdkIngest.enabled)',
          ),
    );
  });

  router.post('/sdk-keys', async (req, res) => {
    const credentials = await authorizer.require(req, permission);
    const { entityRef } = parseInput(createBody, req.body, 'body');
    if (!(await catalog.getEntityByRef(entityRef, { credentials }))) {
      throw new InputError(`entityRef: no catalog entity ${entityRef}`);
    }
    res
      .status(201)
      .json(await sdkKeys.create(entityRef, principalRef(credentials)));
  });

  router.get('/sdk-keys', async (req, res) => {
    await authorizer.require(req, permission);
    const { entityRef } = parseInput(listQuery, req.query, 'query');
    const answer: SdkKeyList = { items: await sdkKeys.list(entityRef) };
    res.json(answer);
  });

  router.delete('/sdk-keys/:publicKey', async (req, res) => {
    const credentials = await authorizer.require(req, permission);
    await sdkKeys.revoke(req.params.publicKey, principalRef(credentials));
    res.status(204).end();
  });

  return router;
}
