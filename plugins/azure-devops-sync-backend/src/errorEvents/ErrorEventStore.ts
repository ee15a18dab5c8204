import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Knex } from 'knex';
import type { NormalizedEvent } from './types';

/** What happened to one event of a request. */
export interface SavedErrorEvent {
  eventId: string;
  type: 'error' | 'transaction';
  entityRef: string;
  /** The issue an error event was grouped into (also for a duplicate, when known). */
  issueId?: string;
  outcome: 'accepted' | 'duplicate';
}

/** What one save wrote. */
export interface ErrorEventSaveResult {
  /** One per input event, in input order. */
  events: SavedErrorEvent[];
  /**
   * Issues that were `resolved` and got a new event: regressions the caller reopens (through
   * the issue service) in the same transaction. In id order.
   */
  resolvedHit: string[];
}

/** Per-entity event counts. */
export interface ErrorEventOutcomeStats {
  accepted: number;
  invalid: number;
  duplicate: number;
}

/** Saved error and transaction events, the issues they are grouped into, and outcome counts. */
export interface ErrorEventStore {
  /**
   * Saves normalized events inside the caller's transaction: error events are grouped into
   * issues (created or counted), transactions are stored with their span hashes, duplicates
   * (same entity and event id) are counted but not stored again. Changes no issue's status.
   */
  saveIn(
    tx: Knex.Transaction,
    events: NormalizedEvent[],
  ): Promise<ErrorEventSaveResult>;
  /** Counts rejected events: `{entityRef: count}`. */
  recordInvalid(counts: Map<string, number>): Promise<void>;
  stats(entityRef: string): Promise<ErrorEventOutcomeStats>;
  /** The entity's issues seen in the 14 days before `now`: events per hour and per day. */
  trends(entityRef: string, now: Date): Promise<IssueTrend[]>;
}
