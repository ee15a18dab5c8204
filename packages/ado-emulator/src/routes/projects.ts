import { Router } from 'express';
import { orgOf } from '../auth';
import { RouteContext } from '../context';
import { Organization, Project } from '../state/model';

function intParam(value: unknown, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : fallback;
}

/** `GET {org}/_apis/projects` and `GET {org}/_apis/projects/{idOrName}`. */
export function projectsRoutes({ state }: RouteContext): Router {
  const router = Router();
  const urls = state.urls;

  const listItem = (org: Organization, p: Project) => ({
    id: p.id,
    name: p.name,
    ...(p.description ? { description: p.description } : {}),
    url: urls.project(org.name, p.id),
    state: 'wellFormed',
    revision: p.revision,
    visibility: p.visibility,
    lastUpdateTime: p.lastUpdateTime,
  });

  router.get('/:org/_apis/projects', (req, res) => {
    const org = orgOf(res);
    const filter = String(req.query.stateFilter ?? 'wellFormed').toLowerCase();
    const all = filter === 'wellformed' || filter === 'all' ? org.projects : [];
    const top = intParam(req.query.$top, 100);
    const skip = intParam(req.query.$skip ?? req.query.continuationToken, 0);
    const page = all.slice(skip, skip + top);
    if (skip + top < all.length) {
      // Like the capture: the token is the next $skip, sent as a header only.
      res.set('x-ms-continuationtoken', String(skip + top));
    }
    res.json({ count: page.length, value: page.map(p => listItem(org, p)) });
  });

  router.get('/:org/_apis/projects/:project', (req, res) => {
    const org = orgOf(res);
    const p = state.projectOrThrow(org, req.params.project);
    const process = state.processOf(org, p);
    const team = p.teams[0];
    res.json({
      ...listItem(org, p),
      ...(req.query.includeCapabilities === 'true'
        ? {
            capabilities: {
              processTemplate: {
                templateName: process.name,
                templateTypeId: process.typeId,
              },
              versioncontrol: {
                sourceControlType: 'Git',
                gitEnabled: 'True',
                tfvcEnabled: 'False',
              },
            },
          }
        : {}),
      _links: {
        self: { href: urls.project(org.name, p.id) },
        collection: {
          href: `${urls.org(org.name)}_apis/projectCollections/${
            org.accountId
          }`,
        },
        web: { href: `${urls.org(org.name)}${encodeURIComponent(p.name)}` },
      },
      defaultTeam: {
        id: team.id,
        name: team.name,
        url: `${urls.project(org.name, p.id)}/teams/${team.id}`,
      },
    });
  });

  return router;
}
