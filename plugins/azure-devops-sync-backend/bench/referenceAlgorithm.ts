import { AdoClient } from '../src/api/AdoClient';

/**
 * The reference integration's `get_organization_config` state gathering, kept only to compare
 * against: list projects, then for projects at index 0..5 (its `idx <= 5`) read states one
 * project at a time with Bug → Issue → Task, into one shared set.
 */
export async function referenceOrgConfigStates(client: AdoClient): Promise<{
  projects: number;
  projectsCovered: number;
  states: string[];
}> {
  const projects = await client.getProjects();
  const all = new Set<string>();
  let projectsCovered = 0;
  for (const [index, project] of projects.entries()) {
    if (index > 5) break;
    const { states } = await client
      .getWorkItemStates(project.id)
      .catch(() => ({ states: [] }));
    if (states.length > 0) projectsCovered++;
    states.forEach(s => all.add(s.name));
  }
  return { projects: projects.length, projectsCovered, states: [...all] };
}
