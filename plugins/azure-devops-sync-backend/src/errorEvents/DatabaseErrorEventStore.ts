import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import { isPostgres } from '../database/tables';
import { addOutcomes } from './database/addOutcomes';
import { createIssues, deleteIssues } from './database/createIssues';
import { findEventIssues } from './database/findEventIssues';
import { insertEvents } from './database/insertEvents';
import { lockEntityCreation } from './database/lockEntityCreation';
import { lockIssuesOfGroups } from './database/lockIssuesOfGroups';
import {
  firstOccurrences,
  groupCandidates,
  issueDeltas,
  outcomeCounts,
} from './database/planSave';
import { readIssueTrends } from './database/readIssueTrends';
import { readOutcomeStats } from './database/readOutcomeStats';
import { updateIssueCounts } from './database/updateIssueCounts';
import { upsertEnvironments } from './database/upsertEnvironments';
import { upsertEventUsers } from './database/upsertEventUsers';
import { upsertReleases } from './database/upsertReleases';
import { key } from './database/util';
import { writeAggregatesPostgres } from './database/writeAggregatesPostgres';
import {
  ErrorEventOutcomeStats,
  ErrorEventSaveResult,
  ErrorEventStore,
} from './ErrorEventStore';
import type { NormalizedEvent } from './types';

/**
 * Knex-backed {@link ErrorEventStore}: the reference's `save_error_events` /
 * `save_transaction_events`, batched so that a request of N events costs a handful of
 * statements, not N. Each statement is one file under `database/`.
 */
export class DatabaseErrorEventStore implements ErrorEventStore {
  /** `db` must be migrated (createStores does it once for every store). */
  constructor(private readonly db: Knex) {}

  async saveIn(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ): Promise<ErrorEventSaveResult> {
    if (events.length === 0) return { events: [], resolvedHit: [] };
    const { firsts, repeated } = firstOccurrences(events);

    // Issues first (the events reference them): the right to create new ones taken, then
    // existing groups locked (including any created while this request waited), new ones created.
    const groups = groupCandidates(firsts);
    await lockEntityCreation(tx, groups);
    const issueIds = await lockIssuesOfGroups(tx, groups);
    const created = await createIssues(
      tx,
      groups.filter(g => !issueIds.has(key(g.entityRef, g.groupHash))),
    );
    for (const [k, id] of created) issueIds.set(k, id);

    const inserted = await insertEvents(tx, firsts, issueIds);
    const accepted = firsts.filter(e =>
      inserted.has(key(e.entityRef, e.eventId)),
    );
    const duplicate = events.map(
      (event, index) =>
        repeated.has(index) ||
        !inserted.has(key(event.entityRef, event.eventId)),
    );

    const deltas = issueDeltas(
      accepted,
      e => issueIds.get(key(e.entityRef, e.groupHash))!,
    );
    const outcomes = outcomeCounts(events, duplicate);
    let statuses: Map<string, string>;
    if (isPostgres(tx)) {
      // The same five writes in one statement: measured faster, see the file.
      statuses = await writeAggregatesPostgres(tx, deltas, accepted, outcomes);
    } else {
      statuses = await updateIssueCounts(tx, deltas);
      await upsertReleases(tx, accepted);
      await upsertEnvironments(tx, accepted);
      await upsertEventUsers(tx, accepted);
      await addOutcomes(tx, outcomes);
    }

    // A new group whose every event turned out to be a duplicate (an id reused with other
    // content, or a concurrent retry) leaves no empty issue behind.
    await deleteIssues(
      tx,
      [...created.values()].filter(id => !statuses.has(id)),
    );

    // Duplicates of an earlier request report the issue their first copy went to.
    const earlier = await findEventIssues(
      tx,
      firsts.filter(e => !inserted.has(key(e.entityRef, e.eventId))),
    );

    return {
      events: events.map((event, index) => {
        let issueId: string | undefined;
        if (duplicate[index])
          issueId =
            earlier.get(key(event.entityRef, event.eventId)) ?? undefined;
        else if (event.type === 'error')
          issueId = issueIds.get(key(event.entityRef, event.groupHash));
        return {
          eventId: event.eventId,
          type: event.type,
          entityRef: event.entityRef,
          ...(issueId ? { issueId } : {}),
          outcome: duplicate[index] ? 'duplicate' : 'accepted',
        };
      }),
      resolvedHit: [...statuses]
        .filter(([, status]) => status === 'resolved')
        .map(([id]) => id)
        .sort(),
    };
  }

  async recordInvalid(counts: Map<string, number>): Promise<void> {
    await addOutcomes(
      this.db,
      [...counts].map(([entityRef, count]) => ({
        entityRef,
        outcome: 'invalid',
        count,
      })),
    );
  }

  stats(entityRef: string): Promise<ErrorEventOutcomeStats> {
    return readOutcomeStats(this.db, entityRef);
  }

  trends(entityRef: string, now: Date): Promise<IssueTrend[]> {
    return readIssueTrends(this.db, entityRef, now);
  }
}
