import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { marked } from 'marked';
import type { AdoJsonPatchOp } from '../api/types';

/** ADO titles are limited; the reference cuts anything over 128 characters to 125 + "...". */
export function workItemTitle(title: string): string {
  const trimmed = title.trim();
  return trimmed.length > 128 ? `${trimmed.slice(0, 125)}...` : trimmed;
}

/** The default description: the issue's summary and a link back to its entity page. */
export function issueDescriptionMarkdown(
  issue: Issue,
  entityPageUrl: string,
): string {
  return [
    `Backstage issue: [${issue.shortId}](${entityPageUrl})`,
    '',
    `**${issue.title}**`,
    issue.culprit ? `\n\`${issue.culprit}\`` : '',
    '',
    `Level: ${issue.level} · seen ${issue.timesSeen} time(s) · first ${issue.firstSeen} · last ${issue.lastSeen}`,
  ].join('\n');
}

/** Markdown to the HTML ADO stores in rich-text fields; raw HTML in the input is escaped. */
export function markdownToHtml(markdown: string): string {
  const escaped = markdown.replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return marked.parse(escaped, { async: false }) as string;
}

/**
 * The create call's json-patch: add Title, Description and History (the reference sends the
 * description as the first comment too), then area path and tags when given.
 */
export function createWorkItemOps(input: {
  title: string;
  descriptionHtml?: string;
  areaPath?: string;
  tags?: string[];
}): AdoJsonPatchOp[] {
  const ops: AdoJsonPatchOp[] = [];
  if (input.title)
    ops.push({ op: 'add', path: '/fields/System.Title', value: input.title });
  if (input.descriptionHtml) {
    ops.push({
      op: 'add',
      path: '/fields/System.Description',
      value: input.descriptionHtml,
    });
    ops.push({
      op: 'add',
      path: '/fields/System.History',
      value: input.descriptionHtml,
    });
  }
  if (input.areaPath)
    ops.push({
      op: 'add',
      path: '/fields/System.AreaPath',
      value: input.areaPath,
    });
  if (input.tags && input.tags.length > 0) {
    ops.push({
      op: 'add',
      path: '/fields/System.Tags',
      value: input.tags.join('; '),
    });
  }
  return ops;
}
