import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { isDatabaseConflictError } from '@backstage/backend-plugin-api';
import type { IssueService } from '../issues/IssueService';
import {
  ErrorEventOutcomeStats,
  ErrorEventStore,
  SavedErrorEvent,
} from './ErrorEventStore';
import type { NormalizedEvent } from './types';

/** Whole-request retries after a unique-constraint race or a deadlock. */
const MAX_ATTEMPTS = 5;

function isRetryable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  // 40P01 deadlock, 40001 serialization failure: both safe to retry as a whole.
  return isDatabaseConflictError(error) || code === '40P01' || code === '40001';
}

/**
 * Saves a request's events and reopens the resolved issues they hit (a regression, which
 * queues outbound ADO jobs) in one transaction, through the issue service that owns every
 * issue change.
 */
export class ErrorEventIngestor {
  constructor(
    private readonly deps: {
      store: ErrorEventStore;
      issueService: Pick<IssueService, 'transaction' | 'applyChange'>;
    },
  ) {}

  /** Results are in input order. */
  async save(events: NormalizedEvent[]): Promise<SavedErrorEvent[]> {
    if (events.length === 0) return [];
    const { store, issueService } = this.deps;
    for (let attempt = 1; ; attempt++) {
      try {
        return await issueService.transaction(async tx => {
          const result = await store.saveIn(tx, events);
          for (const issueId of result.resolvedHit) {
            await issueService.applyChange(
              issueId,
              { status: 'unresolved' },
              { source: { kind: 'system' }, regression: true, sendToAdo: true },
              tx,
            );
          }
          return result.events;
        });
      } catch (error) {
        // Another request created the same group or took the same short id, or two requests
        // locked the same issues in opposite order: run the request again, it now sees theirs.
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) throw error;
      }
    }
  }

  recordInvalid(counts: Map<string, number>): Promise<void> {
    if (counts.size === 0) return Promise.resolve();
    return this.deps.store.recordInvalid(counts);
  }

  stats(entityRef: string): Promise<ErrorEventOutcomeStats> {
    return this.deps.store.stats(entityRef);
  }

  trends(entityRef: string, now = new Date()): Promise<IssueTrend[]> {
    return this.deps.store.trends(entityRef, now);
  }
}
