import { DatabaseService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type {
  ActivityItem,
  ActivitySource,
  ActivityType,
  Issue,
  IssueLevel,
  IssueStatus,
} from '@internal/plugin-azure-devops-sync-common';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';
import {
  AppliedIssueChange,
  ApplyChangeOptions,
  IssueChange,
  IssueStore,
  StoredIssueLink,
} from './IssueStore';
import { getMigratedClient } from './migrations';
import { DatabaseOutboxStore } from './DatabaseOutboxStore';
import { OutboxJobInput } from './OutboxStore';
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

function toIssue(row: RawDbIssueRow, links: StoredIssueLink[]): Issue {
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
    links: links.map(l => ({
      organizationId: l.organizationId,
      workItemId: l.workItemId,
      url: l.url,
      title: l.title,
      state: l.state,
      ...(l.broken ? { broken: true } : {}),
    })),
  };
}

function toActivity(row: RawDbActivityRow): ActivityItem {
  let source: ActivitySource;
  if (row.source_kind === 'user') {
    source = { kind: 'user', userEntityRef: row.source_user_ref ?? 'unknown' };
  } else if (row.source_kind === 'azure-devops') {
    source = {
      kind: 'azure-devops',
      organizationId: row.source_organization_id ?? '',
      workItemId: Number(row.source_work_item_id),
      revision: Number(row.source_revision),
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

function sourceColumns(source: ActivitySource) {
  return {
    source_kind: source.kind,
    source_user_ref: source.kind === 'user' ? source.userEntityRef : null,
    source_organization_id:
      source.kind === 'azure-devops' ? source.organizationId : null,
    source_work_item_id:
      source.kind === 'azure-devops' ? source.workItemId : null,
    source_revision: source.kind === 'azure-devops' ? source.revision : null,
  };
}

/** Knex-backed {@link IssueStore}. */
export class DatabaseIssueStore implements IssueStore {
  static async create(options: {
    database: DatabaseService;
  }): Promise<DatabaseIssueStore> {
    const db = await getMigratedClient(options.database);
    return new DatabaseIssueStore(
      db,
      await DatabaseOutboxStore.create(options),
    );
  }

  private constructor(
    private readonly db: Knex,
    private readonly outbox: DatabaseOutboxStore,
  ) {}

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

  async get(id: string): Promise<Issue | undefined> {
    return this.getIn(this.db, id);
  }

  private async getIn(db: Knex | Knex.Transaction, id: string) {
    const row = await db<RawDbIssueRow>('issues').where({ id }).first();
    if (!row) return undefined;
    const links = await this.linksOf(db, [id]);
    return toIssue(row, links.get(id) ?? []);
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

  async applyChange(
    issueId: string,
    change: IssueChange,
    options: ApplyChangeOptions,
    outerTx?: Knex.Transaction,
  ): Promise<AppliedIssueChange> {
    const run = async (tx: Knex.Transaction) => {
      const query = tx<RawDbIssueRow>('issues').where({ id: issueId });
      // Two replicas changing one issue at once serialise here.
      if (isPostgres(tx)) query.forUpdate();
      const row = await query.first();
      if (!row) throw new NotFoundError(`No issue with id ${issueId}`);
      const statusChanged =
        change.status !== undefined && change.status !== row.status;
      const assigneeChanged =
        change.assignee !== undefined && change.assignee !== row.assignee;
      if (!statusChanged && !assigneeChanged) {
        return {
          issue: (await this.getIn(tx, issueId))!,
          statusChanged,
          assigneeChanged,
        };
      }
      const update: Partial<RawDbIssueRow> = {};
      if (statusChanged) update.status = change.status!;
      if (assigneeChanged) update.assignee = change.assignee!;
      await tx('issues')
        .where({ id: issueId })
        .update({ ...update, updated_at: tx.fn.now() });

      if (statusChanged) {
        let type: ActivityType = 'set_unresolved';
        if (change.status === 'resolved') type = 'set_resolved';
        else if (options.regression) type = 'regression';
        await this.addActivity(
          issueId,
          type,
          options.source,
          { from: row.status, to: change.status },
          tx,
        );
      }
      if (assigneeChanged) {
        await this.addActivity(
          issueId,
          change.assignee ? 'assigned' : 'unassigned',
          options.source,
          change.assignee
            ? { assignee: change.assignee, previous: row.assignee }
            : { previous: row.assignee },
          tx,
        );
      }
      const issue = (await this.getIn(tx, issueId))!;
      if (options.outbound) {
        const links = await this.linksOfIssueIn(tx, issueId);
        const jobs = options.outbound(
          links.filter(l => !l.broken),
          {
            statusChanged,
            assigneeChanged,
            issue,
          },
        );
        await this.outbox.enqueue(jobs, tx);
      }
      return { issue, statusChanged, assigneeChanged };
    };
    return outerTx ? run(outerTx) : this.db.transaction(run);
  }

  async addLink(
    link: Omit<StoredIssueLink, 'broken'>,
    source: ActivitySource,
  ): Promise<{ created: boolean }> {
    return this.db.transaction(async tx => {
      const issue = await tx('issues').where({ id: link.issueId }).first();
      if (!issue) throw new NotFoundError(`No issue with id ${link.issueId}`);
      const existing = await tx<RawDbLinkRow>('issue_links')
        .where({
          issue_id: link.issueId,
          organization_id: link.organizationId,
          work_item_id: link.workItemId,
        })
        .first();
      if (existing) return { created: false };
      await tx<RawDbLinkRow>('issue_links').insert({
        issue_id: link.issueId,
        organization_id: link.organizationId,
        work_item_id: link.workItemId,
        project_id: link.projectId,
        project_name: link.projectName,
        work_item_type: link.workItemType,
        title: link.title,
        state: link.state,
        url: link.url,
        display_name: link.displayName,
        broken: false,
        assigned_to: link.assignedTo ?? null,
      });
      await this.addActivity(
        link.issueId,
        'linked',
        source,
        {
          organizationId: link.organizationId,
          workItemId: link.workItemId,
          url: link.url,
          displayName: link.displayName,
        },
        tx,
      );
      return { created: true };
    });
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

  async linkedWorkItemIds(organizationId: string): Promise<number[]> {
    const rows = await this.db<RawDbLinkRow>('issue_links')
      .distinct('work_item_id')
      .where({ organization_id: organizationId, broken: false })
      .orderBy('work_item_id');
    return rows.map(r => Number(r.work_item_id));
  }

  async linksOfIssue(issueId: string): Promise<StoredIssueLink[]> {
    return this.linksOfIssueIn(this.db, issueId);
  }

  private async linksOfIssueIn(db: Knex | Knex.Transaction, issueId: string) {
    const rows = await db<RawDbLinkRow>('issue_links').where({
      issue_id: issueId,
    });
    return rows.map(toLink);
  }

  async updateLinks(
    organizationId: string,
    workItemId: number,
    patch: {
      title?: string;
      state?: string;
      assignedTo?: string;
      broken?: boolean;
    },
  ): Promise<void> {
    const columns: Partial<RawDbLinkRow> = {};
    if (patch.assignedTo !== undefined) columns.assigned_to = patch.assignedTo;
    if (patch.title !== undefined) columns.title = patch.title;
    if (patch.state !== undefined) columns.state = patch.state;
    if (patch.broken !== undefined) columns.broken = patch.broken;
    if (Object.keys(columns).length === 0) return;
    await this.db<RawDbLinkRow>('issue_links')
      .where({ organization_id: organizationId, work_item_id: workItemId })
      .update(columns);
  }

  async addComment(
    issueId: string,
    text: string,
    source: ActivitySource,
    outbound?: (links: StoredIssueLink[]) => OutboxJobInput[],
  ): Promise<ActivityItem> {
    return this.db.transaction(async tx => {
      const issue = await tx('issues').where({ id: issueId }).first();
      if (!issue) throw new NotFoundError(`No issue with id ${issueId}`);
      const activity = await this.addActivity(
        issueId,
        'comment',
        source,
        { text },
        tx,
      );
      if (outbound) {
        const links = await this.linksOfIssueIn(tx, issueId);
        await this.outbox.enqueue(outbound(links.filter(l => !l.broken)), tx);
      }
      return activity;
    });
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
    // An ADO revision's activity is recorded once, however often its delivery is applied.
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

  private async linksOf(
    db: Knex | Knex.Transaction,
    issueIds: string[],
  ): Promise<Map<string, StoredIssueLink[]>> {
    const result = new Map<string, StoredIssueLink[]>();
    for (let i = 0; i < issueIds.length; i += 500) {
      const rows = await db<RawDbLinkRow>('issue_links')
        .whereIn('issue_id', issueIds.slice(i, i + 500))
        .orderBy('created_at');
      for (const row of rows) {
        const list = result.get(row.issue_id) ?? [];
        list.push(toLink(row));
        result.set(row.issue_id, list);
      }
    }
    return result;
  }
}
