import type { WorkItemState } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { DEFAULT_DONE_STATE_CATEGORIES } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { STATE_FALLBACK_TYPES } from '../api/AdoClient';
import type {
  AdoProcessWorkItemType,
  AdoWorkItemStateColor,
} from '../api/types';

/**
 * Types ADO hides from work pickers (Microsoft.HiddenCategory) plus the test-management types:
 * their states (Design, Inactive, …) never apply to a linked issue.
 */
const NON_TRACKING_TYPES = new Set([
  'code review request',
  'code review response',
  'feedback request',
  'feedback response',
  'shared steps',
  'shared parameter',
  'test case',
  'test plan',
  'test suite',
]);

function typeRank(name: string): number {
  const index = (STATE_FALLBACK_TYPES as readonly string[]).indexOf(name);
  return index === -1 ? STATE_FALLBACK_TYPES.length : index;
}

const CATEGORY_ORDER = [
  'Proposed',
  'InProgress',
  'Resolved',
  'Completed',
  'Removed',
];

function categoryRank(category: string): number {
  const index = CATEGORY_ORDER.indexOf(category);
  return index === -1 ? CATEGORY_ORDER.length : index;
}

/** Orders states the way ADO's workflow reads (Proposed → … → Removed), keeping ties stable. */
function sortStates(states: WorkItemState[]): WorkItemState[] {
  return states
    .map((state, index) => ({ state, index }))
    .sort(
      (a, b) =>
        categoryRank(a.state.category) - categoryRank(b.state.category) ||
        a.index - b.index,
    )
    .map(({ state }) => state);
}

/**
 * The states a project's work items move through in sync, from its process's work item types:
 * those of the first of Bug → Issue → Task the process has (the type sync reads states from,
 * as the per-project fallback does), so a Task-only state is never offered for Bugs. A process
 * with none of them offers every visible state of its work-tracking types, each name once.
 */
export function statesFromProcessTypes(
  types: readonly AdoProcessWorkItemType[],
): WorkItemState[] {
  const tracking = types.filter(
    t => !t.isDisabled && !NON_TRACKING_TYPES.has(t.name.toLowerCase()),
  );
  const synced = tracking
    .filter(t => typeRank(t.name) < STATE_FALLBACK_TYPES.length)
    .sort((a, b) => typeRank(a.name) - typeRank(b.name))[0];
  const byName = new Map<string, WorkItemState>();
  for (const type of synced ? [synced] : tracking) {
    const ordered = [...(type.states ?? [])].sort(
      (a, b) => (a.order ?? 0) - (b.order ?? 0),
    );
    for (const state of ordered) {
      // An inherited process lists a hidden override next to the system state of the same id.
      if (state.hidden || byName.has(state.name)) continue;
      byName.set(state.name, {
        name: state.name,
        category: state.stateCategory,
        ...(state.color ? { color: state.color } : {}),
      });
    }
  }
  return sortStates([...byName.values()]);
}

/** States from the project-level `workitemtypes/{type}/states` call. */
export function statesFromStateColors(
  states: readonly AdoWorkItemStateColor[],
): WorkItemState[] {
  const seen = new Set<string>();
  const result: WorkItemState[] = [];
  for (const state of states) {
    if (seen.has(state.name)) continue;
    seen.add(state.name);
    result.push({
      name: state.name,
      category: state.category,
      ...(state.color ? { color: state.color } : {}),
    });
  }
  return sortStates(result);
}

/** The states that count as done when a project has no explicit choice: Resolved or Completed. */
export function defaultDoneStates(states: readonly WorkItemState[]): string[] {
  const done: readonly string[] = DEFAULT_DONE_STATE_CATEGORIES;
  return states.filter(s => done.includes(s.category)).map(s => s.name);
}
