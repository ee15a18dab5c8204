import { EmulatorState } from '../state/EmulatorState';
import { fieldName } from '../state/fieldNames';
import { HistoryEntry } from '../state/history';
import { Organization, Project, WorkItem } from '../state/model';
import { escapeHtml as e, htmlToText } from './escape';

const STYLE = `
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f1f1f;background:#f8f8f8}
header{background:#0078d4;color:#fff;padding:10px 24px;font-size:14px}
header a{color:#fff}
main{max-width:960px;margin:24px auto;padding:0 24px}
h1{font-size:22px;margin:4px 0 16px}
.type{color:#605e5c;font-size:14px}
.badge{display:inline-block;padding:2px 10px;border-radius:12px;background:#e1dfdd;font-size:13px}
section{background:#fff;border:1px solid #e1dfdd;border-radius:4px;padding:16px;margin-bottom:16px}
h2{font-size:16px;margin:0 0 12px}
table{border-collapse:collapse}
th{text-align:left;font-weight:600;padding:4px 16px 4px 0;color:#605e5c;white-space:nowrap;vertical-align:top}
td{padding:4px 0}
.text{white-space:pre-wrap}
ol{list-style:none;padding:0;margin:0}
li{border-top:1px solid #edebe9;padding:8px 0}
li:first-child{border-top:0}
.when{color:#605e5c;font-size:13px}
form label{display:inline-block;margin:0 16px 8px 0}
textarea{width:100%;min-height:60px;box-sizing:border-box}
.note{color:#605e5c;font-size:13px}
`;

function identity(state: EmulatorState, email: unknown): string {
  if (typeof email !== 'string' || !email) return '';
  return state.findIdentity(email)?.displayName ?? email;
}

function value(state: EmulatorState, field: string, v: unknown): string {
  if (v === undefined || v === null || v === '') return '(empty)';
  if (/AssignedTo|By$|AuthorizedAs/.test(field)) return identity(state, v);
  return String(v);
}

function when(iso: unknown): string {
  const d = new Date(String(iso));
  if (Number.isNaN(d.getTime())) return String(iso ?? '');
  return `${d.toISOString().replace('T', ' ').slice(0, 16)} UTC`;
}

interface TimelineItem {
  at: string;
  html: string;
}

/** What happened, newest first: recorded changes, then comments and the creation from before. */
function timeline(
  state: EmulatorState,
  wi: WorkItem,
  history: HistoryEntry[],
): TimelineItem[] {
  const items: TimelineItem[] = [];
  const recordedComments = new Set(
    history.filter(h => h.comment !== undefined).map(h => h.comment),
  );
  for (const h of history) {
    const who = e(identity(state, h.by));
    const lines: string[] = [];
    if (h.kind !== 'updated') lines.push(`${who} ${e(h.kind)} the work item`);
    for (const c of h.changes) {
      lines.push(
        `${who} changed <b>${e(fieldName(c.field))}</b> from ${e(
          value(state, c.field, c.from),
        )} to ${e(value(state, c.field, c.to))}`,
      );
    }
    if (h.comment !== undefined) {
      lines.push(
        `${who} commented:<div class="text">${e(htmlToText(h.comment))}</div>`,
      );
    }
    if (lines.length === 0) lines.push(`${who} updated the work item`);
    items.push({ at: h.at, html: lines.join('<br>') });
  }
  for (const c of wi.comments) {
    if (recordedComments.has(c.text)) continue;
    items.push({
      at: c.createdDate,
      html: `${e(identity(state, c.createdBy))} commented:<div class="text">${e(
        htmlToText(c.text),
      )}</div>`,
    });
  }
  if (!history.some(h => h.kind === 'created')) {
    items.push({
      at: String(wi.fields['System.CreatedDate'] ?? ''),
      html: `${e(
        identity(state, wi.fields['System.CreatedBy']),
      )} created the work item`,
    });
  }
  return items.sort((a, b) => b.at.localeCompare(a.at));
}

function editForm(
  state: EmulatorState,
  org: Organization,
  project: Project,
  wi: WorkItem,
): string {
  const type = String(wi.fields['System.WorkItemType']);
  const states =
    state.workItemType(org, project, type)?.states.map(s => s.name) ?? [];
  const current = String(wi.fields['System.State'] ?? '');
  const assigned = String(wi.fields['System.AssignedTo'] ?? '').toLowerCase();
  const members = [...state.identities.values()].filter(
    i => i.kind === 'user' && i.orgs.has(org.name.toLowerCase()),
  );
  const option = (v: string, label: string, selected: boolean) =>
    `<option value="${e(v)}"${selected ? ' selected' : ''}>${e(
      label,
    )}</option>`;
  return `<section><h2>Change it (as a user in Azure DevOps)</h2>
<form method="post">
<label>State <select name="state">${states
    .map(s => option(s, s, s === current))
    .join('')}</select></label>
<label>Assigned To <select name="assignedTo">${option(
    '',
    'Unassigned',
    !assigned,
  )}${members
    .map(m =>
      option(m.email, m.displayName, m.email.toLowerCase() === assigned),
    )
    .join('')}</select></label>
<label>As <select name="as">${members
    .map(m => option(m.email, m.displayName, false))
    .join('')}</select></label>
<label style="display:block">Comment<textarea name="comment"></textarea></label>
<button type="submit">Save</button>
<p class="note">Saving sends the organization's service hooks, as Azure DevOps would. The same
change as JSON: <code>POST /_admin/${e(org.name)}/workitems/${
    wi.id
  } {"as": "bob@example.com", "fields": {"System.State": "…"}}</code></p>
</form></section>`;
}

/** The read-only work item page (`_workitems/edit/N`), every value escaped. */
export function renderWorkItemPage(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  history: HistoryEntry[],
): string {
  const f = wi.fields;
  const project = org.projects.find(p => p.id === wi.projectId)!;
  const type = String(f['System.WorkItemType'] ?? 'Work item');
  const title = String(f['System.Title'] ?? '');
  const rows: Array<[string, unknown]> = [
    ['State', f['System.State']],
    ['Reason', f['System.Reason']],
    ['Assigned To', identity(state, f['System.AssignedTo']) || 'Unassigned'],
    ['Work Item Type', type],
    ['Project', project.name],
    ['Area Path', f['System.AreaPath']],
    ['Iteration Path', f['System.IterationPath']],
    ['Priority', f['Microsoft.VSTS.Common.Priority']],
    ['Tags', f['System.Tags']],
    [
      'Created',
      `${identity(state, f['System.CreatedBy'])}, ${when(
        f['System.CreatedDate'],
      )}`,
    ],
    [
      'Changed',
      `${identity(state, f['System.ChangedBy'])}, ${when(
        f['System.ChangedDate'],
      )}`,
    ],
    ['Revision', wi.rev],
  ];
  const description = htmlToText(f['System.Description']);
  const events = timeline(state, wi, history).slice(0, 20);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(`${type} ${wi.id}: ${title}`)} - Azure DevOps emulator</title>
<style>${STYLE}</style></head>
<body>
<header>Azure DevOps emulator (a local demo stand-in) · ${e(org.name)} / ${e(
    project.name,
  )}</header>
<main>
<div class="type">${e(type)} ${wi.id}</div>
<h1>${e(title)}</h1>
<p><span class="badge" data-testid="state">${e(f['System.State'])}</span></p>
<section><h2>Details</h2><table>${rows
    .filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`)
    .join('')}</table></section>
${
  description
    ? `<section><h2>Description</h2><div class="text">${e(
        description,
      )}</div></section>`
    : ''
}
<section><h2>History</h2><ol>${events
    .map(i => `<li><div class="when">${e(when(i.at))}</div>${i.html}</li>`)
    .join('')}</ol></section>
${editForm(state, org, project, wi)}
</main></body></html>`;
}

/** A small page for a missing organization or work item (404). */
export function renderNotFoundPage(message: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Not found - Azure DevOps emulator</title>
<style>${STYLE}</style></head>
<body><header>Azure DevOps emulator (a local demo stand-in)</header>
<main><h1>Not found</h1><p>${e(message)}</p></main></body></html>`;
}
