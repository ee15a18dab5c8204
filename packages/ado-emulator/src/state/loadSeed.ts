import { EmulatorSeed, SeedWorkItem } from '../types';
import { EmulatorState } from './EmulatorState';
import { Organization } from './model';
import { createWorkItem, PatchOp, updateWorkItem } from './workItems';

/**
 * Replaces all of the state's data with the seed's: its directory (users, credentials,
 * organizations, projects), then its work items, created through the same code as the REST
 * API's. Seeding sits above both the state and the work item rules, so neither imports it.
 */
export function loadSeed(state: EmulatorState, seed: EmulatorSeed): void {
  state.loadDirectory(seed);
  for (const o of seed.organizations) {
    seedWorkItems(state, state.org(o.name)!, o.workItems ?? []);
  }
}

/** Creates the seed's work items without notifying service hooks. */
function seedWorkItems(
  state: EmulatorState,
  org: Organization,
  items: SeedWorkItem[],
): void {
  const fallback = [...state.identities.values()].find(
    i => i.kind === 'user' && i.orgs.has(org.name.toLowerCase()),
  );
  for (const item of items) {
    const project = state.projectOrThrow(org, item.project);
    const by = item.createdBy
      ? state.identityOrThrow(item.createdBy)
      : fallback;
    if (!by)
      throw new Error(`No user to create seed work items in ${org.name}`);
    const ops: PatchOp[] = [
      { op: 'add', path: '/fields/System.Title', value: item.title },
    ];
    const add = (ref: string, value: unknown) => {
      if (value !== undefined)
        ops.push({ op: 'add', path: `/fields/${ref}`, value });
    };
    add('System.State', item.state);
    add('System.Description', item.description);
    add('System.AssignedTo', item.assignedTo);
    add('System.AreaPath', item.areaPath);
    add('Microsoft.VSTS.Common.Priority', item.priority);
    add('System.Tags', item.tags);
    if (item.id !== undefined)
      org.nextWorkItemId = Math.max(org.nextWorkItemId, item.id);
    const wi = createWorkItem(state, org, project, item.type, ops, by, {
      quiet: true,
    });
    if (item.id !== undefined && wi.id !== item.id) {
      org.workItems.delete(wi.id);
      wi.id = item.id;
      org.workItems.set(wi.id, wi);
    }
    org.nextWorkItemId = Math.max(org.nextWorkItemId, wi.id + 1);
    for (const c of item.comments ?? []) {
      const author = c.by ? state.identityOrThrow(c.by) : by;
      updateWorkItem(
        state,
        org,
        wi,
        [{ op: 'add', path: '/fields/System.History', value: c.text }],
        author,
        { quiet: true },
      );
    }
  }
}
