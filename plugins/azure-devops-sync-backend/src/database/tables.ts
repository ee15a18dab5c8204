/** Raw rows as knex returns them. Timestamps come back as Date (pg) or string (SQLite). */
export interface RawDbOrganizationRow {
  id: string;
  name: string;
  external_id: string | null;
  domain_name: string;
  status: string;
  status_reason: string | null;
  subscription_id: string | null;
  subscription_secret: string | null;
  subscription_status: string;
  subscription_checked_at: Date | string | null;
  last_delivery_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

export interface RawDbOrganizationConfigRow {
  organization_id: string;
  config: string;
  updated_by: string | null;
  updated_at: Date | string;
}

export interface RawDbProjectMappingRow {
  organization_id: string;
  project_id: string;
  on_resolve: string;
  on_unresolve: string;
}

/** ISO string from a knex timestamp on either engine. */
export function toIso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  // SQLite stores knex.fn.now() as 'YYYY-MM-DD HH:MM:SS' in UTC.
  const normalized = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(value)
    ? `${value.replace(' ', 'T')}${value.endsWith('Z') ? '' : 'Z'}`
    : value;
  const date = new Date(normalized);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** Row locks and SKIP LOCKED exist only on PostgreSQL; SQLite serialises writers anyway. */
export function isPostgres(db: {
  client: { config: { client?: unknown } };
}): boolean {
  const client = String(db.client.config.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}
