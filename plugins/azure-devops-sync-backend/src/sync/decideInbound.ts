import type { LinkSnapshot, StoredIssueLink } from '../database/IssueStore';
import type { WrittenRevision } from '../database/SyncStateStore';
import { identityEmail } from './identity';
import {
  fieldAtRevision,
  isEchoOf,
  normalizeField,
  SYNCED_FIELDS,
} from './revisionFields';

export interface FieldChange {
  oldValue?: unknown;
  newValue?: unknown;
}

/** A stored service hook delivery, in the terms the inbound rules read. */
export interface InboundDelivery {
  eventType: string;
  workItemId: number;
  /** The revision this delivery is about (parseServiceHook requires one, 1..2^31-1). */
  revision: number;
  /** Changed fields as {oldValue, newValue}; other events' plain field values as newValue. */
  changes: Record<string, FieldChange>;
  /** `resource.revision.fields` of workitem.updated: the whole item at this revision. */
  snapshot?: Record<string, unknown>;
  revisedBy?: unknown;
  projectId?: string;
}

/** What the inbound rules need to know, loaded before they run. */
export interface InboundState {
  /** Every link to the work item, broken ones included. */
  links: StoredIssueLink[];
  lastAppliedRevision: number;
  /** Revisions our outbound sync wrote from min(this revision, last applied + 1) on. */
  written: Map<number, WrittenRevision>;
  config: { sync_status_reverse: boolean; sync_reverse_assignment: boolean };
}

/** What a delivery asks to change. The runner applies it in this order. */
export type InboundDecision =
  | { kind: 'skip'; outcome: string }
  | { kind: 'delete'; links: StoredIssueLink[] }
  | {
      kind: 'apply';
      links: StoredIssueLink[];
      /** A comment made in ADO, to record on each linked issue. */
      comment?: { text: string; author: string };
      /** Why status and assignee were left alone (a stale revision). */
      stale?: string;
      /** A state change to judge against the project's done states. */
      state?: { from: string | null; to: string };
      /** The new ADO assignee (raw identity; empty = unassigned). */
      assignee?: { value: unknown };
      /**
       * Written to the links once the changes are applied. For a stale revision only
       * `{broken: false}` of a restore, else absent.
       */
      snapshot?: LinkSnapshot;
      /** Raised once applied; absent for a stale revision or one without a number. */
      markApplied?: number;
      /** The delivery is the echo of a write of ours. */
      echo: boolean;
    };

/**
 * The inbound rules (`sync_status_inbound`, `sync_group_assignee_inbound`, comments, deletes),
 * with our fixes: a revision at or below the last applied one changes no status or assignee;
 * our own writes are recognised as echoes by their values, not by revisedBy; each synced field
 * is judged from its value at the last applied revision (or our confirmed write since), not
 * from the delivery's old value, since revisions in between may have been stale or lost.
 */
export function decideInbound(
  delivery: InboundDelivery,
  state: InboundState,
): InboundDecision {
  const { revision, changes } = delivery;
  const links = state.links.filter(
    l => !l.broken || delivery.eventType === 'workitem.restored',
  );
  if (links.length === 0) {
    return {
      kind: 'skip',
      outcome: `No issue is linked to work item ${delivery.workItemId}`,
    };
  }
  if (delivery.eventType === 'workitem.deleted')
    return { kind: 'delete', links };

  const at = (field: string) =>
    fieldAtRevision(changes, delivery.snapshot, field);
  const mine = state.written.get(revision)?.fields;
  const echo = mine !== undefined && isEchoOf(mine, at);
  const ours = new Set(echo ? Object.keys(mine) : []);
  // Only revisions ADO's answer confirmed: an unconfirmed one is merely the number a PATCH
  // in flight expects, and a foreign edit may have taken it.
  const overwritten = new Set(
    [...state.written]
      .filter(([rev, w]) => rev > revision && w.confirmed)
      .flatMap(([, w]) => Object.keys(w.fields)),
  );
  const decision: InboundDecision & { kind: 'apply' } = {
    kind: 'apply',
    links,
    echo,
  };

  // workitem.updated and workitem.commented of one revision both carry its comment: whichever
  // is applied first records it, the other is kept out by the activity's once-per-revision key,
  // so both must name the same author. commented has no revisedBy: its System.ChangedBy is the
  // same person, as a "Name <email>" string.
  // A restore's plain field values may still hold an older revision's comment: not a new one.
  const history =
    delivery.eventType === 'workitem.restored'
      ? undefined
      : changes['System.History']?.newValue;
  if (
    typeof history === 'string' &&
    history.trim() &&
    !ours.has('System.History')
  ) {
    const changedBy = changes['System.ChangedBy']?.newValue;
    const by = delivery.revisedBy as { displayName?: unknown } | undefined;
    const name =
      by?.displayName ?? (typeof changedBy === 'string' ? changedBy : null);
    decision.comment = {
      text: history,
      author:
        identityEmail(delivery.revisedBy) ??
        identityEmail(changedBy) ??
        String(name ?? 'Azure DevOps'),
    };
  }

  // A restore always heals the links, whatever its revision: ADO may restore an item at the
  // revision it was deleted at, which is not newer than the last one applied.
  const restored = delivery.eventType === 'workitem.restored';
  if (revision > 0 && revision <= state.lastAppliedRevision) {
    decision.stale = `revision ${revision} is older than the last applied one: status and assignee left alone`;
    if (restored) decision.snapshot = { broken: false };
    return decision;
  }

  const snapshot: LinkSnapshot = {};
  for (const field of SYNCED_FIELDS) {
    const value = at(field);
    if (!value.known) continue;
    const now = normalizeField(field, value.value);
    const isState = field === 'System.State';
    if (isState) snapshot.state = now || undefined;
    else snapshot.assignedTo = now;
    // Our own write, or a value a later write of ours replaced: the issue already holds the
    // portal's intent.
    if (ours.has(field) || overwritten.has(field)) continue;
    const last = baseline(field, links[0], state, revision);
    if (!changes[field] && (last === null || last === now)) continue;
    if (isState && now && state.config.sync_status_reverse) {
      const old = last ?? changes[field]?.oldValue;
      decision.state = { from: typeof old === 'string' ? old : null, to: now };
    }
    if (!isState && state.config.sync_reverse_assignment) {
      decision.assignee = { value: value.value };
    }
  }
  const title = changes['System.Title']?.newValue;
  if (typeof title === 'string') snapshot.title = title;
  if (restored) snapshot.broken = false;
  decision.snapshot = snapshot;
  if (revision) decision.markApplied = revision;
  return decision;
}

/**
 * A field's value before this revision: what our latest confirmed write in between put there
 * (not yet applied, but the issue holds it), else the value at the last applied revision (kept
 * on the link).
 */
function baseline(
  field: string,
  link: StoredIssueLink,
  state: InboundState,
  revision: number,
): string | null {
  const between = [...state.written]
    .filter(
      ([rev, w]) =>
        w.confirmed &&
        rev > state.lastAppliedRevision &&
        rev < revision &&
        field in w.fields,
    )
    .sort(([a], [b]) => b - a);
  if (between.length > 0)
    return normalizeField(field, between[0][1].fields[field]);
  return field === 'System.State' ? link.state || null : link.assignedTo;
}
