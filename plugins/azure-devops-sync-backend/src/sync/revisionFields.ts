import type { WrittenFields } from '../database/SyncStateStore';
import { identityName } from './identity';

/** A field's value at a delivery's revision, when the delivery tells it. */
export type FieldAt = { known: false } | { known: true; value: unknown };

/** Fields status and assignee sync judge, in the form kept on the link. */
export const SYNCED_FIELDS = ['System.State', 'System.AssignedTo'] as const;
export type SyncedField = (typeof SYNCED_FIELDS)[number];

/**
 * Reads a field's value at a delivery's revision: the change's new value when the field
 * changed in it, else the revision snapshot (`resource.revision.fields`, where an absent field
 * is an empty one), else unknown.
 */
export function fieldAtRevision(
  changes: Record<string, { oldValue?: unknown; newValue?: unknown }>,
  snapshot: Record<string, unknown> | undefined,
  field: string,
): FieldAt {
  if (changes[field]) return { known: true, value: changes[field].newValue };
  if (snapshot) return { known: true, value: snapshot[field] };
  return { known: false };
}

/**
 * The comparable form of a synced field: the state name, or the assignee's lower-case e-mail,
 * else the name ADO knows it by (`DOMAIN\user` as a people mapping may name it, which ADO
 * echoes as `Name <DOMAIN\user>`); '' when empty. An assignee with neither keeps its raw text,
 * so it still differs.
 */
export function normalizeField(field: string, value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (field === 'System.AssignedTo') {
    return identityName(value) ?? JSON.stringify(value);
  }
  return String(value);
}

/**
 * Whether a delivery is the echo of a revision we wrote: every field we wrote has, at that
 * revision, the value we wrote. The revision number alone is not enough: it is recorded
 * before the PATCH, and a foreign edit can take that number first. Comments are matched by
 * presence only (ADO may rewrite the HTML of System.History).
 */
export function isEchoOf(
  written: WrittenFields,
  at: (field: string) => FieldAt,
): boolean {
  const fields = Object.entries(written);
  if (fields.length === 0) return false;
  return fields.every(([field, value]) => {
    const actual = at(field);
    if (!actual.known) return false;
    if (field === 'System.History') {
      return normalizeField(field, actual.value) !== '';
    }
    // Recorded before values were kept: the field's presence is all there is to match.
    if (value === undefined) return true;
    return normalizeField(field, actual.value) === normalizeField(field, value);
  });
}
