import { Knex } from 'knex';
import { chunks, key } from './util';

/**
 * The issue each stored event went to, by `key(entityRef, eventId)`: what a duplicate of an
 * earlier request reports.
 */
export async function findEventIssues(
  tx: Knex.Transaction,
  events: Array<{ entityRef: string; eventId: string }>,
): Promise<Map<string, string | null>> {
  const issues = new Map<string, string | null>();
  for (const chunk of chunks(events)) {
    const found: Array<{
      entity_ref: string;
      event_id: string;
      issue_id: string | null;
    }> = await tx('events')
      .select('entity_ref', 'event_id', 'issue_id')
      .whereIn(
        ['entity_ref', 'event_id'],
        chunk.map(e => [e.entityRef, e.eventId]),
      );
    for (const r of found)
      issues.set(key(r.entity_ref, r.event_id), r.issue_id);
  }
  return issues;
}
