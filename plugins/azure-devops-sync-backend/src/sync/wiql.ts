/** WIQL string literal: single quotes doubled, control characters dropped. */
export function wiqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `'${value.replace(/[\u0000-\u001f]/g, ' ').replace(/'/g, "''")}'`;
}

/**
 * The reference's `search_issues`, on WIQL so it also works on ADO Server (no almsearch host):
 * title contains the text, or the id when the text is a number (`123` or `#123`).
 */
export function searchWorkItemsQuery(
  text: string,
  projectName?: string,
): string {
  const trimmed = text.trim();
  const idMatch = /^#?(\d{1,10})$/.exec(trimmed);
  const conditions = [`[System.Title] CONTAINS ${wiqlString(trimmed)}`];
  if (idMatch) conditions.unshift(`[System.Id] = ${Number(idMatch[1])}`);
  let where = conditions.join(' OR ');
  if (projectName) {
    where = `[System.TeamProject] = ${wiqlString(projectName)} AND (${where})`;
  }
  return `SELECT [System.Id] FROM WorkItems WHERE ${where} ORDER BY [System.ChangedDate] DESC`;
}
