import { EmulatorState, WorkItemChange } from './EmulatorState';
import { Organization } from './model';

/** Fields whose changes the work item page lists. */
export const HISTORY_FIELDS = [
  'System.State',
  'System.AssignedTo',
  'System.Title',
  'Microsoft.VSTS.Common.Priority',
  'System.Tags',
];

export interface HistoryEntry {
  kind: WorkItemChange['kind'];
  rev: number;
  at: string;
  /** E-mail of who made the change. */
  by: string;
  changes: Array<{ field: string; from?: unknown; to?: unknown }>;
  comment?: string;
}

const MAX_ENTRIES = 50;

/**
 * The changes made while the emulator runs, per work item, for the work item page (the REST
 * API has no updates route here). Keyed by organization object, so a reset starts empty.
 */
export class WorkItemHistory {
  private readonly byOrg = new WeakMap<
    Organization,
    Map<number, HistoryEntry[]>
  >();

  constructor(state: EmulatorState) {
    state.onChange(change => this.record(change));
  }

  /** Newest first. */
  entries(org: Organization, id: number): HistoryEntry[] {
    return [...(this.byOrg.get(org)?.get(id) ?? [])].reverse();
  }

  private record(change: WorkItemChange): void {
    let items = this.byOrg.get(change.org);
    if (!items) {
      items = new Map();
      this.byOrg.set(change.org, items);
    }
    const list = items.get(change.after.id) ?? [];
    const before = change.before?.fields ?? {};
    const after = change.after.fields;
    list.push({
      kind: change.kind,
      rev: change.after.rev,
      at: change.at,
      by: change.by.email,
      changes: HISTORY_FIELDS.filter(
        f =>
          change.kind === 'updated' &&
          JSON.stringify(before[f]) !== JSON.stringify(after[f]),
      ).map(field => ({ field, from: before[field], to: after[field] })),
      ...(change.comment !== undefined ? { comment: change.comment } : {}),
    });
    if (list.length > MAX_ENTRIES) list.splice(0, list.length - MAX_ENTRIES);
    items.set(change.after.id, list);
  }
}
