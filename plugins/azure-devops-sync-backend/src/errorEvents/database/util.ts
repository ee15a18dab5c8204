import { Knex } from 'knex';
import { isPostgres } from '../../database/tables';

/** Rows per insert statement: well under SQLite's and PostgreSQL's bound-parameter limits. */
export const CHUNK = 500;

/** A map key of several strings (NUL cannot occur in entity refs, hashes or ids). */
export const key = (...parts: string[]) => parts.join('\u0000');

export function chunks<T>(items: T[], size = CHUNK): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    result.push(items.slice(i, i + size));
  return result;
}

/** The two-argument min/max: `least`/`greatest` on PostgreSQL, scalar `min`/`max` on SQLite. */
export function minMax(db: Knex | Knex.Transaction): {
  least: string;
  greatest: string;
} {
  return isPostgres(db)
    ? { least: 'least', greatest: 'greatest' }
    : { least: 'min', greatest: 'max' };
}

const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * A lone UTF-16 surrogate becomes U+FFFD, as the pg driver's UTF-8 encoding of a bound string
 * does; PostgreSQL would reject it as a `\uXXXX` escape inside a JSON parameter.
 */
export function wellFormed(value: string): string {
  LONE_SURROGATE.lastIndex = 0;
  return LONE_SURROGATE.test(value)
    ? value.replace(LONE_SURROGATE, '\ufffd')
    : value;
}

export function wellFormedRow<T extends object>(row: T): T {
  let copy: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(row)) {
    if (typeof v !== 'string') continue;
    const fixed = wellFormed(v);
    if (fixed !== v) {
      if (!copy) copy = { ...(row as Record<string, unknown>) };
      copy[k] = fixed;
    }
  }
  return (copy ?? row) as T;
}
