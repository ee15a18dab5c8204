import { Router } from 'express';
import { orgOf } from '../auth';
import { RouteContext } from '../context';
import { workItemTypeNotFound } from '../state/workItems';

const CATEGORY_NAMES: Record<string, string> = {
  'Microsoft.BugCategory': 'Bug Category',
  'Microsoft.RequirementCategory': 'Requirement Category',
  'Microsoft.TaskCategory': 'Task Category',
  'Microsoft.EpicCategory': 'Epic Category',
  'Microsoft.FeatureCategory': 'Feature Category',
  'Microsoft.HiddenCategory': 'Hidden Types Category',
};

/** Project-scoped work item types, their states and categories. */
export function workItemTypesRoutes({ state }: RouteContext): Router {
  const router = Router();
  const urls = state.urls;

  router.get('/:org/:project/_apis/wit/workItemTypes', (req, res) => {
    const org = orgOf(res);
    const project = state.projectOrThrow(org, req.params.project);
    const process = state.processOf(org, project);
    const value = process.workItemTypes.map(t => ({
      name: t.name,
      referenceName: t.referenceName,
      description: t.description ?? '',
      color: t.color,
      icon: {
        id: t.icon,
        url: `${urls.org(org.name)}_apis/wit/workItemIcons/${t.icon}?color=${
          t.color
        }&v=2`,
      },
      isDisabled: false,
      states: t.states.map(s => ({
        name: s.name,
        color: s.color,
        category: s.category,
      })),
      url: `${urls.org(org.name)}${
        project.id
      }/_apis/wit/workItemTypes/${encodeURIComponent(t.name)}`,
    }));
    res.json({ count: value.length, value });
  });

  router.get(
    '/:org/:project/_apis/wit/workItemTypes/:type/states',
    (req, res) => {
      const org = orgOf(res);
      const project = state.projectOrThrow(org, req.params.project);
      const wit = state.workItemType(org, project, req.params.type);
      if (!wit) throw workItemTypeNotFound(req.params.type, project.name);
      const value = wit.states.map(s => ({
        name: s.name,
        color: s.color,
        category: s.category,
      }));
      res.json({ count: value.length, value });
    },
  );

  router.get('/:org/:project/_apis/wit/workItemTypeCategories', (req, res) => {
    const org = orgOf(res);
    const project = state.projectOrThrow(org, req.params.project);
    const process = state.processOf(org, project);
    const base = `${urls.org(org.name)}${project.id}/_apis/wit`;
    const typeRef = (name: string) => ({
      name,
      url: `${base}/workItemTypes/${encodeURIComponent(name)}`,
    });
    const refs = [...new Set(process.workItemTypes.map(t => t.category))];
    const value = refs.map(ref => {
      const types = process.workItemTypes.filter(t => t.category === ref);
      return {
        name: CATEGORY_NAMES[ref] ?? ref.replace(/^Microsoft\./, ''),
        referenceName: ref,
        defaultWorkItemType: typeRef(types[0].name),
        workItemTypes: types.map(t => typeRef(t.name)),
        url: `${base}/workItemTypeCategories/${ref}`,
      };
    });
    res.json({ count: value.length, value });
  });

  return router;
}
