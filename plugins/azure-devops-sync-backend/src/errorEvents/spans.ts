import { createHash } from 'node:crypto';

/** Length of a span grouping hash, in hex digits (Sentry's span groups are 16 too). */
export const SPAN_HASH_LENGTH = 16;

/** Normalizes the literal parts of a SQL statement: strings, numbers, `IN (...)` lists. */
function normalizeSql(description: string): string {
  return (
    description
      .replace(/'(?:[^']|'')*'/g, '%s')
      // Bound parameters ($1, ?, :name) first, so their digits are not read as literals.
      .replace(/\$\d+|\?|(?<![:\w]):\w+/g, '%s')
      .replace(/\b\d+(\.\d+)?\b/g, '%s')
      .replace(/\b(IN)\s*\(\s*%s(?:\s*,\s*%s)*\s*\)/gi, '$1 (%s)')
      .replace(
        /\b(VALUES)\s*\(\s*%s(?:\s*,\s*%s)*\s*\)(?:\s*,\s*\(\s*%s(?:\s*,\s*%s)*\s*\))*/gi,
        '$1 (%s)',
      )
  );
}

/** Normalizes ids in URLs and free text: uuids, hex ids, numbers, query strings. */
function normalizeIds(description: string): string {
  return description
    .replace(
      /\b[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\b/gi,
      '*',
    )
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '*')
    .replace(/\b\d+\b/g, '*');
}

/**
 * A span description with its varying parts replaced, so that the same query or request on
 * different rows or ids gets the same hash.
 */
export function normalizeSpanDescription(
  op: string,
  description: string,
): string {
  let text = description.replace(/\s+/g, ' ').trim();
  if (op.startsWith('db')) {
    text = normalizeSql(text);
  } else if (op.startsWith('http')) {
    // "GET https://host/users/42?x=1" → "GET https://host/users/*"
    text = normalizeIds(text.replace(/[?#]\S*/g, ''));
  } else {
    text = normalizeIds(text);
  }
  return text;
}

/** The grouping hash of one span: sha256 of op + normalized description (first 16 hex digits). */
export function spanGroupHash(
  op: string | undefined,
  description: string | undefined,
): string {
  const normalizedOp = (op ?? '').trim().toLowerCase();
  return createHash('sha256')
    .update(
      `${normalizedOp}\u0000${normalizeSpanDescription(
        normalizedOp,
        description ?? '',
      )}`,
    )
    .digest('hex')
    .slice(0, SPAN_HASH_LENGTH);
}
