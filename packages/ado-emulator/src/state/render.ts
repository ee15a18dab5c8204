import { EmulatorState } from './EmulatorState';
import { Organization, WorkItem } from './model';

/** Fields ADO keeps but only returns with `$expand=all` or when asked for by name. */
const HIDDEN_FIELDS = new Set([
  'System.AuthorizedDate',
  'System.AuthorizedAs',
  'System.Watermark',
  'System.RevisedDate',
  'System.Id',
  'System.Rev',
]);

export interface RenderOptions {
  /** Only these fields (the `fields` query parameter); `_links` are then left out. */
  fields?: string[];
  /** `$expand`: none, relations, fields, links, all. */
  expand?: string;
}

function withSystemFields(wi: WorkItem): Record<string, unknown> {
  return {
    'System.Id': wi.id,
    ...wi.fields,
    'System.Rev': wi.rev,
    'System.Watermark': wi.watermark,
    'System.RevisedDate': '9999-01-01T00:00:00Z',
  };
}

function workItemLinks(state: EmulatorState, org: Organization, wi: WorkItem) {
  const self = state.urls.workItem(org.name, wi.id, wi.projectId);
  const projectBase = `${state.urls.org(org.name)}${wi.projectId}`;
  return {
    self: { href: self },
    workItemUpdates: { href: `${self}/updates` },
    workItemRevisions: { href: `${self}/revisions` },
    workItemComments: { href: `${self}/comments` },
    html: { href: `${projectBase}/_workitems/edit/${wi.id}` },
    workItemType: {
      href: `${projectBase}/_apis/wit/workItemTypes/${encodeURIComponent(
        String(wi.fields['System.WorkItemType']),
      )}`,
    },
    fields: { href: `${projectBase}/_apis/wit/fields` },
  };
}

/** A work item as the REST API returns it (identities as IdentityRef objects). */
export function renderWorkItem(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  options: RenderOptions = {},
) {
  const expand = (options.expand ?? 'none').toLowerCase();
  const all = withSystemFields(wi);
  let source: Record<string, unknown>;
  if (options.fields && options.fields.length > 0) {
    const wanted = options.fields.map(f => f.toLowerCase());
    source = Object.fromEntries(
      Object.entries(all).filter(([k]) => wanted.includes(k.toLowerCase())),
    );
  } else if (expand === 'all' || expand === 'fields') {
    source = all;
  } else {
    source = Object.fromEntries(
      Object.entries(wi.fields).filter(([k]) => !HIDDEN_FIELDS.has(k)),
    );
  }
  const withLinks =
    !options.fields?.length &&
    (expand === 'none' || expand === 'links' || expand === 'all');
  return {
    id: wi.id,
    rev: wi.rev,
    fields: state.renderFields(org, source, 'rest'),
    ...(expand === 'all' || expand === 'relations'
      ? { relations: wi.relations }
      : {}),
    ...(withLinks ? { _links: workItemLinks(state, org, wi) } : {}),
    url: state.urls.workItem(org.name, wi.id, wi.projectId),
  };
}
