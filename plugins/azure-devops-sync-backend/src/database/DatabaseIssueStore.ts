import { NotFoundError } from '@backstage/errors';
import type {
  ActivityItem,
  ActivitySource,
  ActivityType,
  Issue,
  IssueLevel,
  IssueStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  ActivityPosition,
  IssueChange,
  IssueStore,
  LinkKey,
  LinkSnapshot,
  LinkWithSync,
  NewIssueLink,
  StoredIssueLink,
} from './IssueStore';
import { lastLinkJobs, linkKey } from './lastLinkJobs';
import { LinkJobRecord, linkSyncState } from './linkSyncState';
import { isPostgres, toIso } from './tables';

export interface RawDbIssueRow {
  id: string;
  entity_ref: string;
  short_seq: number;
  short_id: string;
  group_hash: string;
  title: string;
  culprit: string;
  level: string;
  status: string;
  assignee: string | null;
  times_seen: number;
  first_seen: Date | string;
  last_seen: Date | string;
  first_release: string | null;
  last_release: string | null;
}

interface RawDbLinkRow {
  issue_id: string;
  organization_id: string;
  work_item_id: number;
  project_id: string | null;
  project_name: string | null;
  work_item_type: string | null;
  title: string;
  state: string;
  url: string;
  display_name: string | null;
  broken: boolean | number;
  assigned_to: string | null;
  created_at: Date | string;
}

interface RawDbActivityRow {
  id: string;
  issue_id: string;
  type: string;
  source_kind: string;
  source_user_ref: string | null;
  source_organization_id: string | null;
  source_work_item_id: number | null;
  source_revision: number | null;
  source_actor_name: string | null;
  data: string;
  created_at: Date | string;
}

function toLink(row: RawDbLinkRow): StoredIssueLink {
  return {
    issueId: row.issue_id,
    organizationId: row.organization_id,
    workItemId: Number(row.work_item_id),
    url: row.url,
    title: row.title,
    state: row.state,
    broken: Boolean(row.broken),
    projectId: row.project_id,
    projectName: row.project_name,
    workItemType: row.work_item_type,
    displayName: row.display_name,
    assignedTo: row.assigned_to ?? null,
  };
}

/** A link row with its sync state, from the jobs {@link lastLinkJobs} found for it. */
function withSync(
  row: RawDbLinkRow,
  jobs: Map<string, LinkJobRecord[]>,
): LinkWithSync {
  const key = linkKey(row.issue_id, row.organization_id, row.work_item_id);
  return {
    link: toLink(row),
    ...linkSyncState(toIso(row.created_at)!, jobs.get(key) ?? []),
  };
}

function toIssue(row: RawDbIssueRow, links: LinkWithSync[]): Issue {
  return {
    id: row.id,
    shortId: row.short_id,
    entityRef: row.entity_ref,
    title: row.title,
    culprit: row.culprit,
    level: row.level as IssueLevel,
    status: row.status as IssueStatus,
    assignee: row.assignee,
    timesSeen: Number(row.times_seen),
    firstSeen: toIso(row.first_seen)!,
    lastSeen: toIso(row.last_seen)!,
    links: links.map(({ link: l, sync }) => ({
      organizationId: l.organizationId,
      workItemId: l.workItemId,
      url: l.url,
      title: l.title,
      state: l.state,
      ...(l.broken ? { broken: true } : {}),
      sync,
    })),
  };
}

function toActivity(row: RawDbActivityRow): ActivityItem {
  let source: ActivitySource;
  if (row.source_kind === 'user') {
    source = { kind: 'user', userEntityRef: row.source_user_ref ?? 'unknown' };
  } else if (row.source_kind === 'azure-devops') {
    const actor = {
      ...(row.source_actor_name ? { displayName: row.source_actor_name } : {}),
      ...(row.source_user_ref ? { userEntityRef: row.source_user_ref } : {}),
    };
    source = {
      kind: 'azure-devops',
      organizationId: row.source_organization_id ?? '',
      workItemId: Number(row.source_work_item_id),
      revision: Number(row.source_revision),
      ...(Object.keys(actor).length > 0 ? { actor } : {}),
    };
  } else {
    source = { kind: 'system' };
  }
  return {
    id: row.id,
    type: row.type as ActivityType,
    createdAt: toIso(row.created_at)!,
    source,
    data: JSON.parse(row.data || '{}'),
  };
}

function linkColumns(key: LinkKey) {
  return {
    issue_id: key.issueId,
    organization_id: key.organizationId,
    work_item_id: key.workItemId,
  };
}

function sourceColumns(source: ActivitySource) {
  const ado = source.kind === 'azure-devops' ? source : undefined;
  return {
    source_kind: source.kind,
    // A portal user, or the catalog user an ADO actor matched.
    source_user_ref:
      source.kind === 'user'
        ? source.userEntityRef
        : ado?.actor?.userEntityRef ?? null,
    source_actor_name: ado?.actor?.displayName ?? null,
    source_organization_id:
      source.kind === 'azure-devops' ? source.organizationId : null,
    source_work_item_id:
      source.kind === 'azure-devops' ? source.workItemId : null,
    source_revision: source.kind === 'azure-devops' ? source.revision : null,
  };
}

/** Knex-backed {@link IssueStore}. */
export class DatabaseIssueStore implements IssueStore {
  /** `db` must be migrated: `createStores()` does that once for every store. */
  constructor(private readonly db: Knex) {}

  transaction<T>(fn: (tx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction(fn);
  }

  async list(filter: {
    entityRef: string;
    status?: IssueStatus;
  }): Promise<Issue[]> {
    const query = this.db<RawDbIssueRow>('issues')
      .where({ entity_ref: filter.entityRef })
      .orderBy('last_seen', 'desc')
      .limit(1000);
    if (filter.status) query.andWhere({ status: filter.status });
    const rows = await query;
    const links = await this.linksOf(
      this.db,
      rows.map(r => r.id),
    );
    return rows.map(r => toIssue(r, links.get(r.id) ?? []));
  }

  async get(id: string, tx?: Knex.Transaction): Promise<Issue | undefined> {
    const db = tx ?? this.db;
    const row = await db<RawDbIssueRow>('issues').where({ id }).first();
    if (!row) return undefined;
    const links = await this.linksOf(db, [id]);
    return toIssue(row, links.get(id) ?? []);
  }

  async entityRefOf(id: string): Promise<string | undefined> {
    const row = await this.db<RawDbIssueRow>('issues')
      .where({ id })
      .first('entity_ref');
    return row?.entity_ref;
  }

  async lockForChange(id: string, tx: Knex.Transaction) {
    const query = tx<RawDbIssueRow>('issues')
      .select('status', 'assignee')
      .where({ id });
    // Two replicas changing one issue at once serialise here.
    if (isPostgres(tx)) query.forUpdate();
    const row = await query.first();
    if (!row) return undefined;
    return { status: row.status as IssueStatus, assignee: row.assignee };
  }

  async update(
    id: string,
    change: IssueChange,
    tx: Knex.Transaction,
  ): Promise<void> {
    const update: Partial<RawDbIssueRow> = {};
    if (change.status !== undefined) update.status = change.status;
    if (change.assignee !== undefined) update.assignee = change.assignee;
    const count = await tx('issues')
      .where({ id })
      .update({ ...update, updated_at: tx.fn.now() });
    if (count === 0) throw new NotFoundError(`No issue with id ${id}`);
  }

  async listActivityPage(
    issueId: string,
    page: { limit: number; after?: ActivityPosition },
  ): Promise<ActivityItem[]> {
    const query = this.db<RawDbActivityRow>('issue_activity')
      .where({ issue_id: issueId })
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(page.limit);
    const after = page.after;
    if (after) {
      // Keyset on (created_at, id): pages stay put while new activity arrives. A Date binds
      // like the Date addActivity wrote (an integer on SQLite, a timestamp on PostgreSQL).
      const createdAt = new Date(after.createdAt);
      query.andWhere(q =>
        q
          .where('created_at', '<', createdAt)
          .orWhere(q2 =>
            q2
              .where('created_at', '=', createdAt)
              .andWhere('id', '<', after.id),
          ),
      );
    }
    return (await query).map(toActivity);
  }

  async listActivity(issueId: string): Promise<ActivityItem[]> {
    const rows = await this.db<RawDbActivityRow>('issue_activity')
      .where({ issue_id: issueId })
      .orderBy([
        { column: 'created_at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toActivity);
  }

  async addActivity(
    issueId: string,
    type: ActivityType,
    source: ActivitySource,
    data: Record<string, unknown>,
    tx?: Knex.Transaction,
  ): Promise<ActivityItem> {
    const row = {
      id: randomUUID(),
      issue_id: issueId,
      type,
      ...sourceColumns(source),
      data: JSON.stringify(data),
      created_at: new Date(),
    };
    await (tx ?? this.db)('issue_activity')
      .insert(row)
      .onConflict([
        'issue_id',
        'type',
        'source_organization_id',
        'source_work_item_id',
        'source_revision',
      ])
      .ignore();
    return toActivity(row as RawDbActivityRow);
  }

  async insertLink(
    link: NewIssueLink,
    tx: Knex.Transaction,
  ): Promise<{ created: boolean }> {
    const key = {
      issue_id: link.issueId,
      organization_id: link.organizationId,
      work_item_id: link.workItemId,
    };
    const existing = await tx<RawDbLinkRow>('issue_links').where(key).first();
    if (existing) return { created: false };
    await tx<RawDbLinkRow>('issue_links').insert({
      ...key,
      project_id: link.projectId,
      project_name: link.projectName,
      work_item_type: link.workItemType,
      title: link.title,
      state: link.state,
      url: link.url,
      display_name: link.displayName,
      broken: false,
      assigned_to: link.assignedTo ?? null,
      // In milliseconds (the column default has whole seconds on SQLite): jobs queued since
      // are this link's, older ones belong to an earlier link to the work item.
      created_at: new Date(),
    });
    return { created: true };
  }

  async getLink(
    key: LinkKey,
    tx?: Knex.Transaction,
  ): Promise<LinkWithSync | undefined> {
    const db = tx ?? this.db;
    const row = await db<RawDbLinkRow>('issue_links')
      .where(linkColumns(key))
      .first();
    if (!row) return undefined;
    return withSync(row, await lastLinkJobs(db, [key.issueId], key));
  }

  async deleteLink(key: LinkKey, tx: Knex.Transaction): Promise<boolean> {
    const count = await tx('issue_links').where(linkColumns(key)).delete();
    return count > 0;
  }

  async linksForWorkItem(
    organizationId: string,
    workItemId: number,
  ): Promise<StoredIssueLink[]> {
    const rows = await this.db<RawDbLinkRow>('issue_links').where({
      organization_id: organizationId,
      work_item_id: workItemId,
    });
    return rows.map(toLink);
  }

  async issueIdsByWorkItem(
    organizationId: string,
    workItemIds: number[],
    entityRef: string,
  ): Promise<Map<number, string[]>> {
    const byWorkItem = new Map<number, string[]>();
    if (workItemIds.length === 0) return byWorkItem;
    const rows = await this.db<RawDbLinkRow>('issue_links as l')
      .join('issues as i', 'i.id', 'l.issue_id')
      .select('l.work_item_id as work_item_id', 'l.issue_id as issue_id')
      .where({ 'l.organization_id': organizationId, 'i.entity_ref': entityRef })
      .whereIn('l.work_item_id', workItemIds)
      .orderBy(['l.work_item_id', 'l.issue_id']);
    for (const row of rows) {
      const id = Number(row.work_item_id);
      byWorkItem.set(id, [...(byWorkItem.get(id) ?? []), row.issue_id]);
    }
    return byWorkItem;
  }

  async linkedWorkItemIds(organizationId: string): Promise<number[]> {
    const rows = await this.db<RawDbLinkRow>('issue_links')
      .distinct('work_item_id')
      .where({ organization_id: organizationId, broken: false })
      .orderBy('work_item_id');
    return rows.map(r => Number(r.work_item_id));
  }

  async linksOfIssue(
    issueId: string,
    tx?: Knex.Transaction,
  ): Promise<StoredIssueLink[]> {
    const rows = await (tx ?? this.db)<RawDbLinkRow>('issue_links').where({
      issue_id: issueId,
    });
    return rows.map(toLink);
  }

  async updateLinks(
    organizationId: string,
    workItemId: number,
    patch: LinkSnapshot,
    tx?: Knex.Transaction,
  ): Promise<void> {
    const columns: Partial<RawDbLinkRow> = {};
    if (patch.assignedTo !== undefined) columns.assigned_to = patch.assignedTo;
    if (patch.title !== undefined) columns.title = patch.title;
    if (patch.state !== undefined) columns.state = patch.state;
    if (patch.broken !== undefined) columns.broken = patch.broken;
    if (Object.keys(columns).length === 0) return;
    await (tx ?? this.db)<RawDbLinkRow>('issue_links')
      .where({ organization_id: organizationId, work_item_id: workItemId })
      .update(columns);
  }

  /** The links of the issues with their sync states: two queries per 500 issues. */
  private async linksOf(
    db: Knex | Knex.Transaction,
    issueIds: string[],
  ): Promise<Map<string, LinkWithSync[]>> {
    const result = new Map<string, LinkWithSync[]>();
    for (let i = 0; i < issueIds.length; i += 500) {
      const chunk = issueIds.slice(i, i + 500);
      const rows = await db<RawDbLinkRow>('issue_links')
        .whereIn('issue_id', chunk)
        .orderBy('created_at');
      if (rows.length === 0) continue;
      const jobs = await lastLinkJobs(db, [
        ...new Set(rows.map(r => r.issue_id)),
      ]);
      for (const row of rows) {
        const list = result.get(row.issue_id) ?? [];
        list.push(withSync(row, jobs));
        result.set(row.issue_id, list);
      }
    }
    return result;
  }
}
