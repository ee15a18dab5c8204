import {
  ANNOTATION_AREA_PATH,
  ANNOTATION_PROJECT,
  ANNOTATION_WORK_ITEM_TAGS,
  type BoardsAssignee,
  type BoardsWorkItem,
  type BoardsWorkItemList,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { AdoClient } from '../api/AdoClient';
import { AdoApiError } from '../api/errors';
import type { AdoWorkItem } from '../api/types';
import { workItemUrl } from '../api/urls';
import { IssueStore } from '../database/IssueStore';
import { canonicalEntityRef } from '../errorEvents/canonicalEntityRef';
import { OrganizationStore } from '../database/OrganizationStore';
import { identityKey, PeopleStore } from '../database/PeopleStore';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { UserDirectory } from '../service/UserDirectory';
import {
  identityDisplayName,
  identityEmail,
  identityKeys,
  identityName,
} from '../sync/identity';
import {
  BoardsQuery,
  buildBoardsWiql,
  MAX_WIQL_RESULTS,
  parseTagsAnnotation,
} from './buildWiql';
import { entityOrganization } from './entityOrganization';

const FIELDS = [
  'System.Id',
  'System.Title',
  'System.WorkItemType',
  'System.State',
  'System.AssignedTo',
  'System.ChangedDate',
];

/** The caller's filters and page. */
export interface BoardsFilters {
  state?: string;
  type?: string;
  /** An ADO identity (e-mail or unique name), or a catalog User entity ref. */
  assignedTo?: string;
  q?: string;
  top: number;
  skip: number;
  /** Ask ADO again instead of reusing a cached page (the tab's Refresh). */
  refresh?: boolean;
}

/** A work item as ADO answered, before its linked issues are added. */
type AdoItem = Omit<BoardsWorkItem, 'issueIds'>;
/** One page of a query's work items as ADO answered, cached. */
type AdoPage = { items: AdoItem[]; total: number };

/** Kept in process; a page is asked again on every filter change and tab visit. */
class TtlCache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number,
  ) {}

  get(key: string): T | undefined {
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    if (hit.until <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return hit.value;
  }

  delete(key: string) {
    this.entries.delete(key);
  }

  set(key: string, value: T) {
    this.entries.delete(key);
    // Insertion order is age order: drop the oldest beyond the bound.
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: this.now() + this.ttlMs });
  }
}

/**
 * An entity's Azure Boards work items, from its annotations: a WIQL query (built by
 * `buildBoardsWiql`), then one batched read of the page's work items. Assignees are shown as
 * catalog users through the people mapping, then by e-mail; state categories come from the
 * work item type's states (cached per project and type, as ADO advises); issue ids from links.
 * ADO's answer is cached briefly per organization, annotations and query; the linked issues are
 * read for every request, per entity.
 */
export class BoardsService {
  private readonly pages: TtlCache<AdoPage>;
  private readonly states: TtlCache<Promise<Map<string, string>>>;
  private readonly now: () => number;

  constructor(
    private readonly deps: {
      organizations: OrganizationStore;
      clients: AdoClientFactory;
      people: PeopleStore;
      users: UserDirectory;
      issues: IssueStore;
      /** How long a page is reused (default 30 s). */
      pageTtlMs?: number;
      /** How long a work item type's states are reused (default 10 min). */
      statesTtlMs?: number;
      now?: () => number;
    },
  ) {
    this.now = deps.now ?? Date.now;
    this.pages = new TtlCache(deps.pageTtlMs ?? 30_000, 500, this.now);
    this.states = new TtlCache(deps.statesTtlMs ?? 600_000, 1_000, this.now);
  }

  async list(
    entity: Entity,
    filters: BoardsFilters,
  ): Promise<BoardsWorkItemList> {
    const annotations = entity.metadata.annotations ?? {};
    const project = annotations[ANNOTATION_PROJECT]?.trim();
    if (!project) {
      return {
        items: [],
        total: 0,
        reason: `The entity has no ${ANNOTATION_PROJECT} annotation naming its Azure DevOps project.`,
      };
    }
    const picked = entityOrganization(
      entity,
      await this.deps.organizations.list(),
    );
    if (!picked.organization) {
      return { items: [], total: 0, reason: picked.reason };
    }
    const organizationId = picked.organization.id;

    let assignedTo = filters.assignedTo;
    if (assignedTo?.toLowerCase().startsWith('user:')) {
      assignedTo = await this.adoIdentityOfUser(organizationId, assignedTo);
      // A catalog user with no ADO identity is assigned nothing.
      if (!assignedTo) return { items: [], total: 0 };
    }
    const query = {
      project,
      areaPath: annotations[ANNOTATION_AREA_PATH]?.trim() || undefined,
      tags: parseTagsAnnotation(annotations[ANNOTATION_WORK_ITEM_TAGS]),
      state: filters.state,
      type: filters.type,
      assignedTo,
      q: filters.q,
    };
    const key = JSON.stringify([
      organizationId,
      query,
      filters.top,
      filters.skip,
    ]);
    let page = filters.refresh ? undefined : this.pages.get(key);
    if (!page) {
      const read = await this.readPage(picked.organization, query, filters);
      if ('reason' in read) return { items: [], total: 0, reason: read.reason };
      page = read;
      this.pages.set(key, page);
    }
    // Two entities with the same annotations share ADO's answer but not their linked issues,
    // and a link made a moment ago shows at once.
    const issueIds = await this.deps.issues.issueIdsByWorkItem(
      organizationId,
      page.items.map(item => item.id),
      canonicalEntityRef(stringifyEntityRef(entity)),
    );
    return {
      items: page.items.map(item => ({
        ...item,
        issueIds: issueIds.get(item.id) ?? [],
      })),
      total: page.total,
    };
  }

  /** One page of the query's work items from ADO, without their linked issues. */
  private async readPage(
    organization: { id: string; name: string },
    query: BoardsQuery,
    filters: { top: number; skip: number },
  ): Promise<AdoPage | { reason: string }> {
    const organizationId = organization.id;
    const { project } = query;
    const { client } = await this.deps.clients.forOrganization(organizationId);
    let ids: number[];
    try {
      const result = await client.queryWiql(buildBoardsWiql(query), {
        project,
        top: MAX_WIQL_RESULTS,
      });
      ids = result.workItems.map(w => w.id);
    } catch (error) {
      // The project-scoped route answers 404 (TF200016) for a project the org does not have.
      if (error instanceof AdoApiError && error.status === 404) {
        return {
          reason: `The Azure DevOps organization ${organization.name} has no project ${project} (from the ${ANNOTATION_PROJECT} annotation).`,
        };
      }
      throw error;
    }
    const pageIds = ids.slice(filters.skip, filters.skip + filters.top);
    const read =
      pageIds.length > 0 ? await client.getWorkItems(pageIds, FIELDS) : [];
    const byId = new Map(read.map(w => [w.id, w]));
    const workItems = pageIds.flatMap(id => byId.get(id) ?? []);
    const [categories, users] = await Promise.all([
      this.stateCategories(organizationId, client, project, workItems),
      this.assigneeUsers(organizationId, workItems),
    ]);
    return {
      items: workItems.map(workItem =>
        this.toItem(client, workItem, categories, users),
      ),
      total: ids.length,
    };
  }

  private toItem(
    client: AdoClient,
    workItem: AdoWorkItem,
    categories: Map<string, Map<string, string>>,
    users: (value: unknown) => string | undefined,
  ): AdoItem {
    const f = workItem.fields ?? {};
    const type = String(f['System.WorkItemType'] ?? '');
    const state = String(f['System.State'] ?? '');
    return {
      id: workItem.id,
      title: String(f['System.Title'] ?? ''),
      type,
      state,
      stateCategory: categories.get(type)?.get(state) ?? '',
      assignedTo: this.assignee(f['System.AssignedTo'], users),
      changedDate: String(f['System.ChangedDate'] ?? ''),
      url: workItemUrl(client.baseUrl, workItem.id),
    };
  }

  private assignee(
    value: unknown,
    users: (value: unknown) => string | undefined,
  ): BoardsAssignee | null {
    if (value === undefined || value === null || value === '') return null;
    const email = identityName(value) ?? '';
    const userEntityRef = users(value);
    return {
      displayName: identityDisplayName(value) ?? email,
      email,
      ...(userEntityRef ? { userEntityRef } : {}),
    };
  }

  /** The catalog user of each assignee: the people mapping first, then one e-mail lookup. */
  private async assigneeUsers(
    organizationId: string,
    workItems: AdoWorkItem[],
  ): Promise<(value: unknown) => string | undefined> {
    const assignees = workItems
      .map(w => w.fields?.['System.AssignedTo'])
      .filter(v => v !== undefined && v !== null && v !== '');
    if (assignees.length === 0) return () => undefined;
    const mapping = new Map(
      (await this.deps.people.list(organizationId)).map(m => [
        identityKey(m.adoIdentity),
        m.userEntityRef,
      ]),
    );
    const mapped = (value: unknown) =>
      identityKeys(value)
        .map(k => mapping.get(k))
        .find(Boolean);
    const emails = assignees
      .filter(v => !mapped(v))
      .map(v => identityEmail(v))
      .filter((e): e is string => Boolean(e));
    const byEmail = await this.deps.users.findByEmails(emails);
    return value => {
      const email = identityEmail(value);
      return mapped(value) ?? (email ? byEmail.get(email) : undefined);
    };
  }

  /** The ADO identity to filter by for a catalog user: the mapping's, else the profile e-mail. */
  private async adoIdentityOfUser(
    organizationId: string,
    userEntityRef: string,
  ): Promise<string | undefined> {
    const ref = userEntityRef.toLowerCase();
    return (
      (await this.deps.people.identityFor(organizationId, ref)) ??
      (await this.deps.users.profile(ref))?.email
    );
  }

  /** State → category for each work item type on the page, from the type's own states. */
  private async stateCategories(
    organizationId: string,
    client: AdoClient,
    project: string,
    workItems: AdoWorkItem[],
  ): Promise<Map<string, Map<string, string>>> {
    const types = [
      ...new Set(
        workItems.map(w => String(w.fields?.['System.WorkItemType'] ?? '')),
      ),
    ].filter(Boolean);
    const entries = await Promise.all(
      types.map(async type => {
        const key = JSON.stringify([
          organizationId,
          project.toLowerCase(),
          type,
        ]);
        let states = this.states.get(key);
        if (!states) {
          states = client
            .getWorkItemTypeStates(project, type)
            .then(({ value }) => new Map(value.map(s => [s.name, s.category])));
          this.states.set(key, states);
          // A failure is not kept: the next page asks again.
          states.catch(() => this.states.delete(key));
        }
        try {
          return [type, await states] as const;
        } catch (error) {
          // A type ADO no longer knows shows its items without a category, not an error.
          if (error instanceof AdoApiError && error.status === 404) {
            return [type, new Map<string, string>()] as const;
          }
          throw error;
        }
      }),
    );
    return new Map(entries);
  }
}
