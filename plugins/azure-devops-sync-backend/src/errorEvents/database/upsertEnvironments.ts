import { Knex } from 'knex';
import type { NormalizedEvent } from '../types';
import { chunks, key } from './util';

export interface EnvironmentRow {
  entity_ref: string;
  name: string;
  first_seen: Date;
}

/** One row per entity and environment, in key order. */
export function environmentRows(events: NormalizedEvent[]): EnvironmentRow[] {
  const rows = new Map<string, EnvironmentRow>();
  for (const event of events) {
    if (!event.environment) continue;
    const at = new Date(event.timestamp);
    const k = key(event.entityRef, event.environment);
    const row = rows.get(k);
    if (!row)
      rows.set(k, {
        entity_ref: event.entityRef,
        name: event.environment,
        first_seen: at,
      });
    else if (at < row.first_seen) row.first_seen = at;
  }
  return [...rows.values()].sort((a, b) =>
    key(a.entity_ref, a.name) < key(b.entity_ref, b.name) ? -1 : 1,
  );
}

/** The reference's `_get_or_create_environment_many`: known environments are left as they are. */
export async function upsertEnvironments(
  tx: Knex.Transaction,
  events: NormalizedEvent[],
): Promise<void> {
  for (const chunk of chunks(environmentRows(events))) {
    await tx('environments')
      .insert(chunk)
      .onConflict(['entity_ref', 'name'])
      .ignore();
  }
}
