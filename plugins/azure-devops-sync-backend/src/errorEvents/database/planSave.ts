import type { NormalizedErrorEvent, NormalizedEvent } from '../types';
import { key } from './util';

/** A group of the request's error events: an existing issue or a new one. */
export interface GroupCandidate {
  entityRef: string;
  groupHash: string;
  /** The group's earliest event: title, culprit and level of a new issue come from it. */
  first: NormalizedErrorEvent;
}

/** The aggregate one request adds to one issue. */
export interface IssueDelta {
  issueId: string;
  count: number;
  firstSeen: Date;
  lastSeen: Date;
  /** Level of the newest event. */
  level: string;
  /** Release of the oldest event that has one. */
  firstRelease: string | null;
  /** Release of the newest event that has one. */
  lastRelease: string | null;
}

export interface OutcomeCount {
  entityRef: string;
  outcome: 'accepted' | 'invalid' | 'duplicate';
  count: number;
}

/** The first occurrence of each (entity, event id); a repeat within the request is a duplicate. */
export function firstOccurrences(events: NormalizedEvent[]): {
  firsts: NormalizedEvent[];
  repeated: Set<number>;
} {
  const seen = new Set<string>();
  const firsts: NormalizedEvent[] = [];
  const repeated = new Set<number>();
  events.forEach((event, index) => {
    const k = key(event.entityRef, event.eventId);
    if (seen.has(k)) repeated.add(index);
    else {
      seen.add(k);
      firsts.push(event);
    }
  });
  return { firsts, repeated };
}

/** One candidate per (entity, group hash), in the order the groups appear in the request. */
export function groupCandidates(events: NormalizedEvent[]): GroupCandidate[] {
  const groups = new Map<string, GroupCandidate>();
  for (const event of events) {
    if (event.type !== 'error') continue;
    const k = key(event.entityRef, event.groupHash);
    const group = groups.get(k);
    if (!group)
      groups.set(k, {
        entityRef: event.entityRef,
        groupHash: event.groupHash,
        first: event,
      });
    else if (event.timestamp < group.first.timestamp) group.first = event;
  }
  return [...groups.values()];
}

/** Per issue: how many accepted error events, their time span, newest level, releases. */
export function issueDeltas(
  accepted: NormalizedEvent[],
  issueIdOf: (event: NormalizedErrorEvent) => string,
): IssueDelta[] {
  const deltas = new Map<string, IssueDelta>();
  for (const event of accepted) {
    if (event.type !== 'error') continue;
    const issueId = issueIdOf(event);
    const at = new Date(event.timestamp);
    const delta = deltas.get(issueId);
    if (!delta) {
      deltas.set(issueId, {
        issueId,
        count: 1,
        firstSeen: at,
        lastSeen: at,
        level: event.level,
        firstRelease: event.release ?? null,
        lastRelease: event.release ?? null,
      });
      continue;
    }
    delta.count++;
    if (at < delta.firstSeen) {
      delta.firstSeen = at;
      if (event.release) delta.firstRelease = event.release;
    }
    if (at >= delta.lastSeen) {
      delta.lastSeen = at;
      delta.level = event.level;
      if (event.release) delta.lastRelease = event.release;
    }
    delta.firstRelease ??= event.release ?? null;
    delta.lastRelease ??= event.release ?? null;
  }
  // Issue id order: the order their row locks are taken, the same in every request.
  return [...deltas.values()].sort((a, b) => (a.issueId < b.issueId ? -1 : 1));
}

/** Accepted and duplicate counts per entity. */
export function outcomeCounts(
  events: NormalizedEvent[],
  duplicate: boolean[],
): OutcomeCount[] {
  const outcomes = new Map<string, OutcomeCount>();
  events.forEach((event, index) => {
    const outcome = duplicate[index] ? 'duplicate' : 'accepted';
    const k = key(event.entityRef, outcome);
    const o = outcomes.get(k) ?? {
      entityRef: event.entityRef,
      outcome,
      count: 0,
    };
    o.count++;
    outcomes.set(k, o);
  });
  return [...outcomes.values()];
}
