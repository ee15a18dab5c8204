import type { NormalizedEvent } from './types';

/** What happened to one event of a request. */
export interface SavedEvent {
  eventId: string;
  type: 'error' | 'transaction';
  entityRef: string;
  /** The issue an error event was grouped into (also for a duplicate, when known). */
  issueId?: string;
  outcome: 'accepted' | 'duplicate';
}

/** Per-entity event counts. */
export interface EventOutcomeStats {
  accepted: number;
  invalid: number;
  duplicate: number;
}

/** Saved events, the issues they are grouped into, and outcome counts. */
export interface EventStore {
  /**
   * Saves normalized events in one transaction: error events are grouped into issues (created,
   * updated, or reopened as a regression), transactions are stored with their span hashes.
   * Results are in input order.
   */
  save(events: NormalizedEvent[]): Promise<SavedEvent[]>;
  /** Counts rejected events: `{entityRef: count}`. */
  recordInvalid(counts: Map<string, number>): Promise<void>;
  stats(entityRef: string): Promise<EventOutcomeStats>;
}
