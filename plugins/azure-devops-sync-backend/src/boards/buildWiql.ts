import { wiqlString } from '../sync/wiql';

/** What an entity's board shows: its annotations plus the caller's filters. */
export interface BoardsQuery {
  /** `dev.azure.com/project`. */
  project: string;
  /** `dev.azure.com/area-path`: the area and everything under it. */
  areaPath?: string;
  /** `dev.azure.com/work-item-tags`, split: a work item must carry every one. */
  tags?: string[];
  state?: string;
  type?: string;
  /** An ADO identity (e-mail or unique name). */
  assignedTo?: string;
  /** Title contains this text, or (when it is a number, `123` or `#123`) the id is it. */
  q?: string;
}

/** The largest id WIQL accepts (a 32-bit integer column). */
const MAX_WORK_ITEM_ID = 2_147_483_647;

/**
 * Splits the `dev.azure.com/work-item-tags` annotation: comma-separated, trimmed, empty and
 * repeated (case-insensitively, as ADO compares tags) ones dropped.
 */
export function parseTagsAnnotation(value: string | undefined): string[] {
  if (!value) return [];
  const seen = new Set<string>();
  const tags: string[] = [];
  for (const raw of value.split(',')) {
    const tag = raw.trim();
    if (!tag || seen.has(tag.toLowerCase())) continue;
    seen.add(tag.toLowerCase());
    tags.push(tag);
  }
  return tags;
}

/**
 * The WIQL of an entity's board, newest change first. Every value reaches the query only as a
 * string literal built by `wiqlString` (quotes doubled, control characters dropped), or as an
 * id parsed to an integer: annotation and filter values can never add clauses of their own.
 */
export function buildBoardsWiql(query: BoardsQuery): string {
  const conditions = [`[System.TeamProject] = ${wiqlString(query.project)}`];
  if (query.areaPath) {
    conditions.push(`[System.AreaPath] UNDER ${wiqlString(query.areaPath)}`);
  }
  for (const tag of query.tags ?? []) {
    conditions.push(`[System.Tags] CONTAINS ${wiqlString(tag)}`);
  }
  if (query.state) {
    conditions.push(`[System.State] = ${wiqlString(query.state)}`);
  }
  if (query.type) {
    conditions.push(`[System.WorkItemType] = ${wiqlString(query.type)}`);
  }
  if (query.assignedTo) {
    conditions.push(`[System.AssignedTo] = ${wiqlString(query.assignedTo)}`);
  }
  const text = query.q?.trim();
  if (text) {
    const title = `[System.Title] CONTAINS ${wiqlString(text)}`;
    const idMatch = /^#?(\d{1,10})$/.exec(text);
    const id = idMatch ? Number(idMatch[1]) : NaN;
    conditions.push(
      id >= 1 && id <= MAX_WORK_ITEM_ID
        ? `([System.Id] = ${id} OR ${title})`
        : title,
    );
  }
  return `SELECT [System.Id] FROM WorkItems WHERE ${conditions.join(
    ' AND ',
  )} ORDER BY [System.ChangedDate] DESC`;
}

/** The most work items one WIQL query answers: ADO refuses more (VS402337) unless `$top` caps it. */
export const MAX_WIQL_RESULTS = 20_000;
