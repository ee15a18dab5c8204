import {
  MAPPING_ROW_INCOMPLETE_MESSAGE,
  OrganizationConfigUpdate,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { z } from 'zod/v4';
import type { ProjectCatalog } from './configFields';

const name = z.string().max(256);

/** The shape of `PUT /organizations/:id/config`; unknown keys are refused. */
export const configUpdateSchema = z
  .object({
    sync_status_forward: z
      .record(
        name.min(1),
        z
          .object({
            on_resolve: name.nullish(),
            on_unresolve: name.nullish(),
          })
          .strict(),
      )
      .optional(),
    sync_forward_assignment: z.boolean().optional(),
    sync_comments: z.boolean().optional(),
    sync_status_reverse: z.boolean().optional(),
    sync_reverse_assignment: z.boolean().optional(),
    inbound_done_states: z
      .record(name.min(1), z.array(name.min(1)).max(200))
      .optional(),
  })
  .strict();

export type ParsedConfigUpdate = z.infer<typeof configUpdateSchema>;

/** Does this update need ADO's project and state lists to be checked? */
export function needsCatalog(update: ParsedConfigUpdate): boolean {
  return (
    update.sync_status_forward !== undefined ||
    update.inbound_done_states !== undefined
  );
}

/**
 * Checks an update against the rules and against ADO's projects and states. Returns the update to
 * store, or the message that says what is wrong.
 */
export function checkConfigUpdate(
  update: ParsedConfigUpdate,
  catalog: ProjectCatalog | undefined,
):
  | { ok: true; value: OrganizationConfigUpdate }
  | { ok: false; message: string } {
  const mapping = update.sync_status_forward;
  if (mapping) {
    for (const row of Object.values(mapping)) {
      if (!row.on_resolve || !row.on_unresolve) {
        return { ok: false, message: MAPPING_ROW_INCOMPLETE_MESSAGE };
      }
    }
  }
  if (needsCatalog(update) && catalog) {
    const projects = new Map(catalog.projects.map(p => [p.id, p.name]));
    const check = (projectId: string, states: string[], key: string) => {
      const projectName = projects.get(projectId);
      if (!projectName) {
        return `${key}: Azure DevOps project ${projectId} does not exist in this organization`;
      }
      const known = (catalog.states[projectId]?.states ?? []).map(s => s.name);
      const unknown = states.find(s => !known.includes(s));
      if (unknown !== undefined) {
        return `${key}: state "${unknown}" does not exist in project ${projectName} (its states: ${
          known.join(', ') || 'none'
        })`;
      }
      return undefined;
    };
    for (const [projectId, row] of Object.entries(mapping ?? {})) {
      // Both sides in one state would make every sync a no-op (or flip-flop with inbound sync).
      if (row.on_resolve === row.on_unresolve && projects.has(projectId)) {
        return {
          ok: false,
          message: `sync_status_forward: project ${projects.get(
            projectId,
          )} resolves and unresolves to the same state "${
            row.on_resolve
          }"; pick two different states`,
        };
      }
      const message = check(
        projectId,
        [row.on_resolve!, row.on_unresolve!],
        'sync_status_forward',
      );
      if (message) return { ok: false, message };
    }
    for (const [projectId, states] of Object.entries(
      update.inbound_done_states ?? {},
    )) {
      const message = check(projectId, states, 'inbound_done_states');
      if (message) return { ok: false, message };
    }
  }

  const value: OrganizationConfigUpdate = {};
  if (mapping) {
    value.sync_status_forward = Object.fromEntries(
      Object.entries(mapping).map(([projectId, row]) => [
        projectId,
        { on_resolve: row.on_resolve!, on_unresolve: row.on_unresolve! },
      ]),
    );
  }
  for (const key of [
    'sync_forward_assignment',
    'sync_comments',
    'sync_status_reverse',
    'sync_reverse_assignment',
  ] as const) {
    if (update[key] !== undefined) value[key] = update[key];
  }
  if (update.inbound_done_states) {
    value.inbound_done_states = Object.fromEntries(
      Object.entries(update.inbound_done_states).map(([k, v]) => [
        k,
        [...new Set(v)],
      ]),
    );
  }
  return { ok: true, value };
}
