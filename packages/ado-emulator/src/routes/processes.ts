import { Router } from 'express';
import { orgOf } from '../auth';
import { RouteContext } from '../context';
import { Organization, SeedProcess, SeedWorkItemType } from '../state/model';
import { AdoError } from '../util/errors';
import { stableGuid } from '../util/ids';

/** State ids are shared between a system type and the types inheriting from it. */
export function stateId(
  process: SeedProcess,
  wit: SeedWorkItemType,
  name: string,
  custom: boolean,
) {
  return custom
    ? stableGuid('state', process.typeId, wit.referenceName, name)
    : stableGuid('state', wit.inherits ?? wit.referenceName, name);
}

function expands(value: unknown, what: string): boolean {
  return String(value ?? '')
    .toLowerCase()
    .split(',')
    .map(s => s.trim())
    .includes(what);
}

/** `{org}/_apis/work/processes/...`: processes, their work item types and states. */
export function processesRoutes({ state }: RouteContext): Router {
  const router = Router();
  const urls = state.urls;
  const processUrl = (org: Organization, p: SeedProcess) =>
    `${urls.org(org.name)}_apis/work/processes/${p.typeId}`;

  const processBody = (
    org: Organization,
    p: SeedProcess,
    withProjects: boolean,
  ) => ({
    typeId: p.typeId,
    name: p.name,
    referenceName: p.referenceName ?? null,
    description: p.description ?? '',
    ...(withProjects
      ? {
          projects: org.projects
            .filter(pr => pr.processTypeId === p.typeId)
            .map(pr => ({
              id: pr.id,
              name: pr.name,
              description: pr.description ?? '',
              url: `vstfs:///Classification/TeamProject/${pr.id}`,
            })),
        }
      : {}),
    parentProcessTypeId:
      p.parentProcessTypeId ?? '00000000-0000-0000-0000-000000000000',
    isEnabled: p.isEnabled ?? true,
    isDefault: p.isDefault ?? false,
    customizationType: p.customizationType ?? 'system',
  });

  const findProcess = (org: Organization, typeId: string) => {
    const p = state.process(org, typeId);
    if (!p) {
      throw new AdoError(
        404,
        'ProcessNotFoundByIdException',
        `VS402362: The process with ID '${typeId}' does not exist.`,
        3200,
      );
    }
    return p;
  };

  const findType = (p: SeedProcess, ref: string) => {
    const key = ref.toLowerCase();
    const wit = p.workItemTypes.find(
      t =>
        t.referenceName.toLowerCase() === key || t.name.toLowerCase() === key,
    );
    if (!wit) {
      throw new AdoError(
        404,
        'WorkItemTypeNotFoundException',
        `VS402323: Work item type ${ref} does not exist in process ${p.name}.`,
        3200,
      );
    }
    return wit;
  };

  const stateBodies = (
    org: Organization,
    p: SeedProcess,
    wit: SeedWorkItemType,
  ) =>
    wit.states.map((s, i) => {
      const custom = s.customizationType === 'custom';
      const id = stateId(p, wit, s.name, custom);
      return {
        id,
        name: s.name,
        color: s.color,
        stateCategory: s.category,
        order: i + 1,
        url: `${processUrl(org, p)}/workItemTypes/${
          wit.referenceName
        }/states/${id}`,
        customizationType: s.customizationType ?? 'system',
      };
    });

  const typeBody = (
    org: Organization,
    p: SeedProcess,
    wit: SeedWorkItemType,
    withStates: boolean,
  ) => ({
    referenceName: wit.referenceName,
    name: wit.name,
    description: wit.description ?? '',
    url: `${processUrl(org, p)}/workItemTypes/${wit.referenceName}`,
    customization: wit.customization ?? 'system',
    color: wit.color,
    icon: wit.icon,
    isDisabled: false,
    inherits: wit.inherits ?? null,
    ...(withStates ? { states: stateBodies(org, p, wit) } : {}),
  });

  router.get('/:org/_apis/work/processes', (req, res) => {
    const org = orgOf(res);
    const withProjects = expands(req.query.$expand, 'projects');
    const value = org.processes.map(p => processBody(org, p, withProjects));
    res.json({ count: value.length, value });
  });

  router.get('/:org/_apis/work/processes/:typeId', (req, res) => {
    const org = orgOf(res);
    const p = findProcess(org, req.params.typeId);
    res.json(processBody(org, p, expands(req.query.$expand, 'projects')));
  });

  router.get('/:org/_apis/work/processes/:typeId/workItemTypes', (req, res) => {
    const org = orgOf(res);
    const p = findProcess(org, req.params.typeId);
    const withStates = expands(req.query.$expand, 'states');
    const value = p.workItemTypes.map(t => typeBody(org, p, t, withStates));
    res.json({ count: value.length, value });
  });

  router.get(
    '/:org/_apis/work/processes/:typeId/workItemTypes/:witRefName',
    (req, res) => {
      const org = orgOf(res);
      const p = findProcess(org, req.params.typeId);
      const wit = findType(p, req.params.witRefName);
      res.json(typeBody(org, p, wit, expands(req.query.$expand, 'states')));
    },
  );

  router.get(
    '/:org/_apis/work/processes/:typeId/workItemTypes/:witRefName/states',
    (req, res) => {
      const org = orgOf(res);
      const p = findProcess(org, req.params.typeId);
      const wit = findType(p, req.params.witRefName);
      const value = stateBodies(org, p, wit);
      res.json({ count: value.length, value });
    },
  );

  return router;
}
