import { Knex } from 'knex';
import type { NormalizedEvent } from '../types';
import { eventUserKey } from './insertEvents';
import { chunks, insertValues, key, minMax } from './util';

export interface EventUserRow {
  entity_ref: string;
  user_key: string;
  user_id: string | null;
  email: string | null;
  username: string | null;
  ip_address: string | null;
  first_seen: Date;
  last_seen: Date;
}

/** One row per entity and user key, in key order; newer details win. */
export function eventUserRows(events: NormalizedEvent[]): EventUserRow[] {
  const rows = new Map<string, EventUserRow>();
  for (const event of events) {
    const userKey = eventUserKey(event.user);
    if (!userKey) continue;
    const user = event.user!;
    const at = new Date(event.timestamp);
    const k = key(event.entityRef, userKey);
    const row = rows.get(k);
    if (!row || at >= row.last_seen) {
      rows.set(k, {
        entity_ref: event.entityRef,
        user_key: userKey,
        user_id: user.id ?? row?.user_id ?? null,
        email: user.email ?? row?.email ?? null,
        username: user.username ?? row?.username ?? null,
        ip_address: user.ipAddress ?? row?.ip_address ?? null,
        first_seen: row && row.first_seen < at ? row.first_seen : at,
        last_seen: at,
      });
    } else if (at < row.first_seen) {
      row.first_seen = at;
    }
  }
  return [...rows.values()].sort((a, b) =>
    key(a.entity_ref, a.user_key) < key(b.entity_ref, b.user_key) ? -1 : 1,
  );
}

/** The reference's `_get_event_user_many`: newer details win, first/last seen widened. */
export async function upsertEventUsers(
  tx: Knex.Transaction,
  events: NormalizedEvent[],
): Promise<void> {
  const { least, greatest } = minMax(tx);
  for (const chunk of chunks(eventUserRows(events))) {
    await insertValues(
      tx,
      'event_users',
      chunk,
      `ON CONFLICT (entity_ref, user_key) DO UPDATE SET
         user_id = COALESCE(excluded.user_id, event_users.user_id),
         email = COALESCE(excluded.email, event_users.email),
         username = COALESCE(excluded.username, event_users.username),
         ip_address = COALESCE(excluded.ip_address, event_users.ip_address),
         first_seen = ${least}(event_users.first_seen, excluded.first_seen),
         last_seen = ${greatest}(event_users.last_seen, excluded.last_seen)`,
    );
  }
}
