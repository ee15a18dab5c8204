import { Request, Response, Router } from 'express';
import { callerOf, orgOf } from '../auth';
import { RouteContext } from '../context';
import { Organization } from '../state/model';
import { renderWorkItem } from '../state/render';
import {
  createWorkItem,
  deleteWorkItem,
  parsePatch,
  restoreWorkItem,
  updateWorkItem,
} from '../state/workItems';
import { AdoError, workItemNotFound } from '../util/errors';

function list(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  return String(value)
    .split(',')
    .map(s => s.trim())
    .filter(Boolean);
}

/** Work items: get, batch get, create, update, delete, restore (recycle bin), comments. */
export function workItemsRoutes({ state }: RouteContext): Router {
  const router = Router();

  const findItem = (org: Organization, id: string) => {
    const n = Number(id);
    const wi = Number.isInteger(n) ? state.workItem(org, n) : undefined;
    if (!wi) throw workItemNotFound(id);
    return wi;
  };

  const getOne = (req: Request, res: Response) => {
    const org = orgOf(res);
    if (req.params.project) state.projectOrThrow(org, req.params.project);
    const wi = findItem(org, req.params.id);
    res.json(
      renderWorkItem(state, org, wi, {
        fields: list(req.query.fields),
        expand: req.query.$expand as string | undefined,
      }),
    );
  };

  const getMany = (
    res: Response,
    idsRaw: unknown,
    fields: string[] | undefined,
    expand: string | undefined,
    errorPolicy: string | undefined,
  ) => {
    const org = orgOf(res);
    const ids = Array.isArray(idsRaw) ? idsRaw.map(String) : list(idsRaw);
    if (!ids || ids.length === 0) {
      throw new AdoError(
        400,
        'ArgumentException',
        'VS403474: The ids parameter is required.',
      );
    }
    if (ids.length > 200) {
      throw new AdoError(
        400,
        'ArgumentException',
        'VS402337: The number of work items requested exceeds the limit of 200.',
      );
    }
    const omit = (errorPolicy ?? '').toLowerCase() === 'omit';
    const value = ids.map(id => {
      const wi = state.workItem(org, Number(id));
      if (!wi) {
        if (omit) return null;
        throw workItemNotFound(id);
      }
      return renderWorkItem(state, org, wi, { fields, expand });
    });
    res.json({ count: value.length, value });
  };

  for (const prefix of ['/:org', '/:org/:project']) {
    router.get(`${prefix}/_apis/wit/workItems`, (req: Request, res) => {
      if (req.params.project)
        state.projectOrThrow(orgOf(res), req.params.project);
      getMany(
        res,
        req.query.ids,
        list(req.query.fields),
        req.query.$expand as string | undefined,
        req.query.errorPolicy as string | undefined,
      );
    });
    router.post(`${prefix}/_apis/wit/workItemsBatch`, (req, res) => {
      const body = req.body ?? {};
      getMany(res, body.ids, body.fields, body.$expand, body.errorPolicy);
    });
    router.get(`${prefix}/_apis/wit/workItems/:id`, getOne);
    router.delete(`${prefix}/_apis/wit/workItems/:id`, (req: Request, res) => {
      const org = orgOf(res);
      const wi = findItem(org, req.params.id);
      const project = org.projects.find(p => p.id === wi.projectId)!;
      deleteWorkItem(state, org, wi, callerOf(res));
      const by = state.identityString(callerOf(res).email);
      res.json({
        id: wi.id,
        type: wi.fields['System.WorkItemType'],
        name: wi.fields['System.Title'],
        project: project.name,
        deletedDate: new Date().toLocaleString('en-US'),
        deletedBy: by,
        code: 200,
        url: `${state.urls.org(org.name)}${project.id}/_apis/wit/recyclebin/${
          wi.id
        }`,
        resource: {
          id: wi.id,
          rev: wi.rev,
          fields: state.renderFields(org, wi.fields, 'hook'),
          url: `${state.urls.org(org.name)}${project.id}/_apis/wit/recyclebin/${
            wi.id
          }`,
        },
      });
    });
  }

  // Recycle Bin - Restore Work Item: PATCH {IsDeleted: false}.
  router.patch('/:org/:project/_apis/wit/recyclebin/:id', (req, res) => {
    const org = orgOf(res);
    const project = state.projectOrThrow(org, req.params.project);
    const wi = org.workItems.get(Number(req.params.id));
    if (!wi || !wi.deleted || wi.projectId !== project.id)
      throw workItemNotFound(req.params.id);
    if (req.body?.IsDeleted !== false) {
      throw new AdoError(
        400,
        'ArgumentException',
        'VS403415: Only {"IsDeleted": false} (restore) is supported.',
      );
    }
    restoreWorkItem(state, org, wi, callerOf(res));
    res.json({
      id: wi.id,
      code: 200,
      type: wi.fields['System.WorkItemType'],
      name: wi.fields['System.Title'],
      project: project.name,
      url: `${state.urls.org(org.name)}${project.id}/_apis/wit/workItems/${
        wi.id
      }`,
    });
  });

  const createOrUpdate = (req: Request, res: Response) => {
    const org = orgOf(res);
    const caller = callerOf(res);
    const target = req.params.target;
    if (target.startsWith('$')) {
      if (!req.params.project) {
        throw new AdoError(
          400,
          'ArgumentException',
          'VS403415: A project is required to create a work item.',
        );
      }
      const project = state.projectOrThrow(org, req.params.project);
      const ops = parsePatch(req.body);
      const wi = createWorkItem(
        state,
        org,
        project,
        target.slice(1),
        ops,
        caller,
      );
      res.json(renderWorkItem(state, org, wi));
      return;
    }
    if (req.params.project) state.projectOrThrow(org, req.params.project);
    const wi = findItem(org, target);
    const ops = parsePatch(req.body);
    updateWorkItem(state, org, wi, ops, caller);
    res.json(renderWorkItem(state, org, wi));
  };
  router.patch('/:org/_apis/wit/workItems/:target', createOrUpdate);
  router.patch('/:org/:project/_apis/wit/workItems/:target', createOrUpdate);
  router.post('/:org/:project/_apis/wit/workItems/:target', createOrUpdate);

  router.get('/:org/:project/_apis/wit/workItems/:id/comments', (req, res) => {
    const org = orgOf(res);
    const project = state.projectOrThrow(org, req.params.project);
    const wi = findItem(org, req.params.id);
    const top = Number(req.query.$top ?? 200);
    const comments = [...wi.comments]
      .sort((a, b) =>
        String(req.query.order ?? 'desc').toLowerCase() === 'asc'
          ? a.id - b.id
          : b.id - a.id,
      )
      .slice(0, top)
      .map(c => ({
        workItemId: wi.id,
        id: c.id,
        version: c.version,
        text: c.text,
        createdBy: state.identityRef(org, c.createdBy),
        createdDate: c.createdDate,
        modifiedBy: state.identityRef(org, c.modifiedBy),
        modifiedDate: c.modifiedDate,
        url: `${state.urls.org(org.name)}${project.id}/_apis/wit/workItems/${
          wi.id
        }/comments/${c.id}`,
      }));
    res.json({
      totalCount: wi.comments.length,
      count: comments.length,
      comments,
    });
  });

  router.post('/:org/:project/_apis/wit/workItems/:id/comments', (req, res) => {
    const org = orgOf(res);
    const project = state.projectOrThrow(org, req.params.project);
    const wi = findItem(org, req.params.id);
    const text = req.body?.text;
    if (typeof text !== 'string' || text.trim() === '') {
      throw new AdoError(
        400,
        'ArgumentException',
        'VS403465: The comment text cannot be empty.',
      );
    }
    updateWorkItem(
      state,
      org,
      wi,
      [{ op: 'add', path: '/fields/System.History', value: text }],
      callerOf(res),
    );
    const c = wi.comments[wi.comments.length - 1];
    res.json({
      workItemId: wi.id,
      id: c.id,
      version: c.version,
      text: c.text,
      createdBy: state.identityRef(org, c.createdBy),
      createdDate: c.createdDate,
      modifiedBy: state.identityRef(org, c.modifiedBy),
      modifiedDate: c.modifiedDate,
      url: `${state.urls.org(org.name)}${project.id}/_apis/wit/workItems/${
        wi.id
      }/comments/${c.id}`,
    });
  });

  return router;
}
