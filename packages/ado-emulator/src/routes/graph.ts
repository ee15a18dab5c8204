import { Router } from 'express';
import { orgOf } from '../auth';
import { RouteContext } from '../context';
import { AdoError } from '../util/errors';

/** `GET {org}/_apis/graph/users`: the vssps host is played by the same server and prefix. */
export function graphRoutes({ state }: RouteContext): Router {
  const router = Router();

  router.get('/:org/_apis/graph/users', (req, res) => {
    const org = orgOf(res);
    const base = `${state.urls.org(org.name)}_apis/Graph`;
    const members = [...state.identities.values()]
      .filter(i => i.orgs.has(org.name.toLowerCase()))
      .sort((a, b) => a.displayName.localeCompare(b.displayName));
    let offset = 0;
    const token = req.query.continuationToken;
    if (token !== undefined && token !== '') {
      offset = Number(Buffer.from(String(token), 'base64').toString('utf8'));
      if (!Number.isInteger(offset) || offset < 0) {
        throw new AdoError(
          400,
          'ArgumentException',
          'VS860018: The continuation token is not valid.',
        );
      }
    }
    const page = members.slice(offset, offset + state.graphPageSize);
    const next = offset + page.length;
    if (next < members.length) {
      res.set(
        'X-MS-ContinuationToken',
        Buffer.from(String(next)).toString('base64'),
      );
    }
    res.json({
      count: page.length,
      value: page.map(i => ({
        subjectKind: 'user',
        metaType: 'member',
        domain: '72f988bf-86f1-41af-91ab-2d7cd011db47',
        principalName: i.email,
        mailAddress: i.email,
        origin: 'aad',
        originId: i.id,
        displayName: i.displayName,
        _links: {
          self: { href: `${base}/Users/${i.descriptor}` },
          memberships: { href: `${base}/Memberships/${i.descriptor}` },
          membershipState: { href: `${base}/MembershipStates/${i.descriptor}` },
          storageKey: { href: `${base}/StorageKeys/${i.descriptor}` },
          avatar: { href: state.urls.avatar(org.name, i.descriptor) },
        },
        url: `${base}/Users/${i.descriptor}`,
        descriptor: i.descriptor,
      })),
    });
  });

  return router;
}
