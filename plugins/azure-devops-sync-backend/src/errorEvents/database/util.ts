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

/**
 * `INSERT INTO <table> (<columns>) VALUES (…), (…) <tail>` with every row's values bound, and
 * the rows the tail's RETURNING gives. knex compiles a multi-row SQLite insert as `SELECT …
 * UNION ALL SELECT …`, which SQLite took ten times as long to prepare as this VALUES list (half
 * a millisecond for 100 events: most of the statement preparing in bench:events); both engines
 * read the same text. Columns are those of the first row; values must not be undefined.
 */
export async function insertValues<R = unknown>(
  tx: Knex | Knex.Transaction,
  table: string,
  rows: object[],
  tail = '',
): Promise<R[]> {
  const columns = Object.keys(rows[0]);
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const result = await tx.raw(
    `INSERT INTO ?? (${columns.map(() => '??').join(', ')}) VALUES ${rows
      .map(() => tuple)
      .join(', ')} ${tail}`,
    [
      table,
      ...columns,
      ...rows.flatMap(row =>
        columns.map(column => (row as Record<string, Knex.Value>)[column]),
      ),
    ],
  );
  return (isPostgres(tx) ? result.rows : result) ?? [];
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
