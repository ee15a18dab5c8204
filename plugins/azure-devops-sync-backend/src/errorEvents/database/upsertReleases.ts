import { Knex } from 'knex';
import type { NormalizedEvent } from '../types';
import { chunks, insertValues, key, minMax } from './util';

export interface ReleaseRow {
  entity_ref: string;
  version: string;
  first_seen: Date;
  last_seen: Date;
}

/** One row per entity and release, in key order (the order their row locks are taken). */
export function releaseRows(events: NormalizedEvent[]): ReleaseRow[] {
  const rows = new Map<string, ReleaseRow>();
  for (const event of events) {
    if (!event.release) continue;
    const at = new Date(event.timestamp);
    const k = key(event.entityRef, event.release);
    const row = rows.get(k);
    if (!row)
      rows.set(k, {
        entity_ref: event.entityRef,
        version: event.release,
        first_seen: at,
        last_seen: at,
      });
    else {
      if (at < row.first_seen) row.first_seen = at;
      if (at > row.last_seen) row.last_seen = at;
    }
  }
  return [...rows.values()].sort((a, b) =>
    key(a.entity_ref, a.version) < key(b.entity_ref, b.version) ? -1 : 1,
  );
}

/** The reference's `_get_or_create_release_many`: first/last seen widened. */
export async function upsertReleases(
  tx: Knex.Transaction,
  events: NormalizedEvent[],
): Promise<void> {
  const { least, greatest } = minMax(tx);
  for (const chunk of chunks(releaseRows(events))) {
    await insertValues(
      tx,
      'releases',
      chunk,
      `ON CONFLICT (entity_ref, version) DO UPDATE SET
         first_seen = ${least}(releases.first_seen, excluded.first_seen),
         last_seen = ${greatest}(releases.last_seen, excluded.last_seen)`,
    );
  }
}
