import { Request, Response, Router } from 'express';
import { callerOf, orgOf } from '../auth';
import { RouteContext } from '../context';
import { Identity } from '../state/model';
import { AdoError } from '../util/errors';

/** Core's resource area id, used to find an org's URL from its account id. */
export const CORE_RESOURCE_AREA_ID = '79134c72-4a58-4b42-976c-04e7115f32bf';
const TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const ROOT_INSTANCE_ID = '00025394-6065-48ca-87d9-7f5672854ef7';
const DEPLOYMENT_ID = 'ed30ce5c-9d0a-f73c-3580-4315c7f84d83';

function connectedUser(i: Identity) {
  return {
    id: i.id,
    descriptor: `Microsoft.IdentityModel.Claims.ClaimsIdentity;${TENANT_ID}\\${i.email}`,
    subjectDescriptor: i.descriptor,
    providerDisplayName: i.displayName,
    customDisplayName: i.displayName,
    isActive: true,
    properties: { Account: { $type: 'System.String', $value: i.email } },
    resourceVersion: 2,
    metaTypeId: 0,
  };
}

/**
 * The accounts/vssps host (root, no org prefix): connectionData, profile,
 * accounts and the resource area lookup; plus org-level connectionData.
 */
export function accountsRoutes({ state }: RouteContext): Router {
  const router = Router();

  const connectionData =
    (instanceId: string) => (_req: Request, res: Response) => {
      const me = callerOf(res);
      res.json({
        authenticatedUser: connectedUser(me),
        authorizedUser: connectedUser(me),
        instanceId,
        deploymentId: DEPLOYMENT_ID,
        deploymentType: 'hosted',
        locationServiceData: {
          serviceOwner: ROOT_INSTANCE_ID,
          defaultAccessMappingMoniker: 'PublicAccessMapping',
          lastChangeId: 1,
          lastChangeId64: 1,
        },
      });
    };

  router.get('/_apis/connectionData', connectionData(ROOT_INSTANCE_ID));
  router.get('/:org/_apis/connectionData', (req, res) =>
    connectionData(orgOf(res).accountId)(req, res),
  );

  router.get('/_apis/profile/profiles/me', (_req, res) => {
    const me = callerOf(res);
    res.json({
      displayName: me.displayName,
      publicAlias: me.id,
      emailAddress: me.email,
      coreRevision: 1,
      timeStamp: '2025-01-06T09:00:00.000+00:00',
      id: me.id,
      revision: 1,
    });
  });

  router.get('/_apis/accounts', (_req, res) => {
    const me = callerOf(res);
    const cred = res.locals.credential as { orgs: Set<string> };
    const value = [...state.orgs.values()]
      .filter(
        o =>
          me.orgs.has(o.name.toLowerCase()) &&
          cred.orgs.has(o.name.toLowerCase()),
      )
      .map(o => ({
        accountId: o.accountId,
        accountUri: state.urls.org(o.name),
        accountName: o.name,
        properties: {},
      }));
    res.json({ count: value.length, value });
  });

  router.get('/_apis/resourceAreas/:areaId', (req, res) => {
    if (req.params.areaId.toLowerCase() !== CORE_RESOURCE_AREA_ID) {
      throw new AdoError(
        404,
        'ResourceAreaNotFoundException',
        `VS800001: Resource area ${req.params.areaId} was not found.`,
      );
    }
    const hostId = req.query.hostId as string | undefined;
    const accountName = req.query.accountName as string | undefined;
    let org;
    if (hostId) org = state.orgByAccountId(hostId);
    else if (accountName) org = state.org(accountName);
    if (!org) {
      throw new AdoError(
        404,
        'ResourceAreaNotFoundException',
        `VS800001: No host was found for ${
          hostId ?? accountName ?? '(no hostId)'
        }.`,
      );
    }
    res.json({
      id: CORE_RESOURCE_AREA_ID,
      name: 'Core',
      locationUrl: state.urls.org(org.name),
    });
  });

  router.get('/:org/_apis/resourceAreas', (_req, res) => {
    const org = orgOf(res);
    const value = [
      {
        id: CORE_RESOURCE_AREA_ID,
        name: 'Core',
        locationUrl: state.urls.org(org.name),
      },
      {
        id: '5264459e-e5e0-4bd8-b118-0985e68a4ec5',
        name: 'wit',
        locationUrl: state.urls.org(org.name),
      },
    ];
    res.json({ count: value.length, value });
  });

  return router;
}
