import {
  BOOLEAN_CONFIG_FIELD_NAMES,
  MAPPING_ROW_INCOMPLETE_MESSAGE,
  type ConfigField,
  type OrganizationConfigUpdate,
  type OrganizationConfigValues,
  type StatusMappingRow,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** The values being edited, plus the order the mapping rows are shown in. */
export interface ConfigDraft {
  values: OrganizationConfigValues;
  /** Project ids of the mapping rows; new rows go last. */
  rowOrder: string[];
}

/** A copy of the server's values to edit (missing keys get safe defaults). */
export function createDraft(
  values: Partial<OrganizationConfigValues>,
): ConfigDraft {
  const mapping = { ...(values.sync_status_forward ?? {}) };
  const copy: OrganizationConfigValues = {
    sync_status_forward: Object.fromEntries(
      Object.entries(mapping).map(([id, row]) => [id, { ...row }]),
    ),
    inbound_done_states: Object.fromEntries(
      Object.entries(values.inbound_done_states ?? {}).map(([id, s]) => [
        id,
        [...s],
      ]),
    ),
    sync_forward_assignment: Boolean(values.sync_forward_assignment),
    sync_comments: Boolean(values.sync_comments),
    sync_status_reverse: Boolean(values.sync_status_reverse),
    sync_reverse_assignment: Boolean(values.sync_reverse_assignment),
  };
  return { values: copy, rowOrder: Object.keys(mapping) };
}

export function addRow(draft: ConfigDraft, projectId: string): ConfigDraft {
  if (draft.values.sync_status_forward[projectId]) {
    return draft;
  }
  return {
    rowOrder: [...draft.rowOrder, projectId],
    values: {
      ...draft.values,
      sync_status_forward: {
        ...draft.values.sync_status_forward,
        [projectId]: { on_resolve: '', on_unresolve: '' },
      },
    },
  };
}

/** Removes a mapping row and its inbound "done" choice. */
export function removeRow(draft: ConfigDraft, projectId: string): ConfigDraft {
  const { [projectId]: _row, ...mapping } = draft.values.sync_status_forward;
  const { [projectId]: _done, ...done } = draft.values.inbound_done_states;
  return {
    rowOrder: draft.rowOrder.filter(id => id !== projectId),
    values: {
      ...draft.values,
      sync_status_forward: mapping,
      inbound_done_states: done,
    },
  };
}

export function setRowState(
  draft: ConfigDraft,
  projectId: string,
  key: keyof StatusMappingRow,
  state: string,
): ConfigDraft {
  const row = draft.values.sync_status_forward[projectId] ?? {
    on_resolve: '',
    on_unresolve: '',
  };
  return {
    ...draft,
    values: {
      ...draft.values,
      sync_status_forward: {
        ...draft.values.sync_status_forward,
        [projectId]: { ...row, [key]: state },
      },
    },
  };
}

export function setDoneStates(
  draft: ConfigDraft,
  projectId: string,
  states: string[],
): ConfigDraft {
  return {
    ...draft,
    values: {
      ...draft.values,
      inbound_done_states: {
        ...draft.values.inbound_done_states,
        [projectId]: states,
      },
    },
  };
}

export function setBoolean(
  draft: ConfigDraft,
  name: string,
  value: boolean,
): ConfigDraft {
  return { ...draft, values: { ...draft.values, [name]: value } };
}

/** Order-insensitive comparison of plain JSON values. */
function sameJson(a: unknown, b: unknown): boolean {
  return stableStringify(a) === stableStringify(b);
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(stableStringify).join(',')}]`;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The `PUT` body: only what changed. The mapping rows and the inbound "done"
 * choices are sent whole, because removing a row must remove it on the server
 * too; the booleans one by one.
 */
export function buildUpdate(
  original: Partial<OrganizationConfigValues>,
  draft: ConfigDraft,
): OrganizationConfigUpdate {
  const update: OrganizationConfigUpdate = {};
  const next = draft.values;
  if (!sameJson(original.sync_status_forward ?? {}, next.sync_status_forward)) {
    update.sync_status_forward = next.sync_status_forward;
  }
  if (!sameJson(original.inbound_done_states ?? {}, next.inbound_done_states)) {
    update.inbound_done_states = next.inbound_done_states;
  }
  for (const name of BOOLEAN_CONFIG_FIELD_NAMES) {
    if (Boolean(original[name]) !== next[name]) {
      update[name] = next[name];
    }
  }
  return update;
}

/** Project ids whose mapping row lacks a state, with the reference's message. */
export function incompleteRows(draft: ConfigDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [id, row] of Object.entries(draft.values.sync_status_forward)) {
    if (!row.on_resolve || !row.on_unresolve) {
      errors[id] = MAPPING_ROW_INCOMPLETE_MESSAGE;
    }
  }
  return errors;
}

/**
 * Project ids whose row resolves and unresolves to the same state, which
 * would make every status sync a no-op (the API refuses it with a 400 too).
 */
export function sameStateRows(draft: ConfigDraft): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [id, row] of Object.entries(draft.values.sync_status_forward)) {
    if (row.on_resolve && row.on_resolve === row.on_unresolve) {
      errors[
        id
      ] = `Resolving and unresolving both set "${row.on_resolve}": pick two different states.`;
    }
  }
  return errors;
}

/**
 * Which field a server validation message is about, so it can be shown next
 * to it: by the field's name or label, or the mapper's known message.
 */
export function fieldForMessage(
  message: string,
  fields: ConfigField[],
): string | undefined {
  if (message.includes(MAPPING_ROW_INCOMPLETE_MESSAGE)) {
    return 'sync_status_forward';
  }
  if (message.includes('inbound_done_states')) {
    return 'sync_status_forward';
  }
  const lower = message.toLowerCase();
  const match = fields.find(
    f =>
      message.includes(f.name) ||
      (f.label && lower.includes(f.label.toLowerCase())),
  );
  return match?.name;
}
