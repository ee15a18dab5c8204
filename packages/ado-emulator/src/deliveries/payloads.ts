import { EmulatorState, WorkItemChange } from '../state/EmulatorState';
import { Fields, Organization, Subscription, WorkItem } from '../state/model';
import { newGuid } from '../util/ids';

export type WorkItemEventType =
  | 'workitem.created'
  | 'workitem.updated'
  | 'workitem.deleted'
  | 'workitem.commented'
  | 'workitem.restored';

export const WORK_ITEM_EVENT_TYPES: WorkItemEventType[] = [
  'workitem.created',
  'workitem.updated',
  'workitem.deleted',
  'workitem.commented',
  'workitem.restored',
];

/** Fields ADO keeps out of hook snapshots (they appear only as changes). */
const SNAPSHOT_HIDDEN = new Set([
  'System.AuthorizedDate',
  'System.AuthorizedAs',
  'System.Watermark',
  'System.RevisedDate',
  'System.History',
]);

const FAR_FUTURE = '9999-01-01T00:00:00Z';

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function snapshotFields(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  comment?: string,
): Record<string, unknown> {
  const fields: Fields = Object.fromEntries(
    Object.entries(wi.fields).filter(([k]) => !SNAPSHOT_HIDDEN.has(k)),
  );
  if (comment) fields['System.History'] = comment;
  return state.renderFields(org, fields, 'hook');
}

/** Field changes of a revision as `{newValue, oldValue}`, only changed fields (resourceVersion 1.0). */
export function changedFields(
  state: EmulatorState,
  org: Organization,
  before: WorkItem,
  after: WorkItem,
  comment?: string,
): Record<string, { newValue?: unknown; oldValue?: unknown }> {
  const view = (wi: WorkItem) => {
    const f: Fields = {
      ...wi.fields,
      'System.Rev': wi.rev,
      'System.Watermark': wi.watermark,
    };
    delete f['System.History'];
    return state.renderFields(org, f, 'hook');
  };
  const a = view(before);
  const b = view(after);
  const out: Record<string, { newValue?: unknown; oldValue?: unknown }> = {};
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    const entry: { newValue?: unknown; oldValue?: unknown } = {};
    if (b[key] !== undefined) entry.newValue = b[key];
    if (a[key] !== undefined) entry.oldValue = a[key];
    out[key] = entry;
  }
  out['System.RevisedDate'] = {
    newValue: FAR_FUTURE,
    oldValue: after.fields['System.ChangedDate'],
  };
  if (comment) out['System.History'] = { newValue: comment };
  return out;
}

function messages(
  state: EmulatorState,
  org: Organization,
  wi: WorkItem,
  verb: string,
  by: string,
  comment?: string,
) {
  const type = String(wi.fields['System.WorkItemType']);
  const title = String(wi.fields['System.Title'] ?? '');
  const html = `${state.urls.org(org.name)}web/wi.aspx?pcguid=${
    org.accountId
  }&id=${wi.id}`;
  const label = `${type} #${wi.id}`;
  const message = {
    text: `${label} (${title}) ${verb} by ${by}.\r\n(${html})`,
    html: `<a href="${escapeHtml(html)}">${label}</a> (${escapeHtml(
      title,
    )}) ${verb} by ${escapeHtml(by)}.`,
    markdown: `[${label}](${html}) (${title}) ${verb} by ${by}.`,
  };
  const assignee = wi.fields['System.AssignedTo']
    ? state.identityString(String(wi.fields['System.AssignedTo']))
    : '';
  const details: [string, string][] = [
    ['Area', String(wi.fields['System.AreaPath'] ?? '')],
    ['Iteration', String(wi.fields['System.IterationPath'] ?? '')],
    ['State', String(wi.fields['System.State'] ?? '')],
    ['Assigned to', assignee],
    ['Comment', comment ?? ''],
  ];
  const detailedMessage = {
    text: `${message.text}\r\n\r\n${details
      .map(([k, v]) => `- ${k}: ${v}\r\n`)
      .join('')}`,
    html: `${message.html}<ul>\r\n${details
      .map(([k, v]) => `<li>${k}: ${escapeHtml(v)}</li>`)
      .join('\r\n')}</ul>`,
    markdown: `${message.markdown}\r\n\r\n${details
      .map(([k, v]) => `* ${k}: ${v}\r\n`)
      .join('')}`,
  };
  return { message, detailedMessage };
}

/** Builds the POST body of one service hook notification. */
export function buildPayload(
  state: EmulatorState,
  sub: Subscription,
  eventType: WorkItemEventType,
  change: WorkItemChange,
  notificationId: number,
) {
  const { org, after, by } = change;
  const projectBase = `${state.urls.org(org.name)}${after.projectId}/_apis/wit`;
  const itemUrl = `${projectBase}/workItems/${after.id}`;
  const byName = by.displayName;
  let resource: Record<string, unknown>;
  let verb: string;

  if (eventType === 'workitem.updated') {
    verb = 'updated';
    const updateUrl = `${itemUrl}/updates/${after.updateCount}`;
    const revisionUrl = `${itemUrl}/revisions/${after.rev}`;
    const avatar = state.urls.avatar(org.name, by.descriptor);
    resource = {
      id: after.updateCount,
      workItemId: after.id,
      rev: after.rev,
      revisedBy: {
        id: by.id,
        name: `${by.displayName} <${by.email}>`,
        displayName: by.displayName,
        url: state.urls.identity(org.name, by.id),
        _links: { avatar: { href: avatar } },
        uniqueName: by.email,
        imageUrl: avatar,
        descriptor: by.descriptor,
      },
      revisedDate: FAR_FUTURE,
      fields: changedFields(state, org, change.before!, after, change.comment),
      revision: {
        id: after.id,
        rev: after.rev,
        fields: snapshotFields(state, org, after, change.comment),
        _links: {
          self: { href: revisionUrl },
          workItemRevisions: { href: `${itemUrl}/revisions` },
          parent: { href: itemUrl },
        },
        url: revisionUrl,
      },
      _links: {
        self: { href: updateUrl },
        workItemUpdates: { href: `${itemUrl}/updates` },
        html: {
          href: `${state.urls.org(org.name)}web/wi.aspx?pcguid=${
            org.accountId
          }&id=${after.id}`,
        },
        parent: { href: itemUrl },
      },
      url: updateUrl,
    };
  } else {
    const deleted = eventType === 'workitem.deleted';
    const verbs: Record<string, string> = {
      'workitem.deleted': 'deleted',
      'workitem.commented': 'commented on',
      'workitem.restored': 'restored',
    };
    verb = verbs[eventType] ?? 'created';
    const selfUrl = deleted ? `${projectBase}/recyclebin/${after.id}` : itemUrl;
    const typeUrl = `${projectBase}/workItemTypes/${encodeURIComponent(
      String(after.fields['System.WorkItemType']),
    )}`;
    resource = {
      id: after.id,
      rev: after.rev,
      fields: snapshotFields(
        state,
        org,
        after,
        eventType === 'workitem.commented' ? change.comment : undefined,
      ),
      _links: deleted
        ? {
            self: { href: selfUrl },
            workItemType: { href: typeUrl },
            fields: { href: `${projectBase}/fields` },
          }
        : {
            self: { href: selfUrl },
            workItemUpdates: { href: `${itemUrl}/updates` },
            workItemRevisions: { href: `${itemUrl}/revisions` },
            workItemType: { href: typeUrl },
            fields: { href: `${projectBase}/fields` },
          },
      url: selfUrl,
    };
  }

  const details = sub.consumerInputs.resourceDetailsToSend ?? 'all';
  if (details === 'minimal') {
    resource = {
      id: resource.id,
      ...(resource.workItemId !== undefined
        ? { workItemId: resource.workItemId }
        : {}),
      rev: resource.rev,
      url: resource.url,
    };
  }
  const { message, detailedMessage } = messages(
    state,
    org,
    after,
    verb,
    byName,
    change.comment,
  );
  const baseUrl = state.urls.org(org.name);
  return {
    subscriptionId: sub.id,
    notificationId,
    id: newGuid(),
    eventType,
    publisherId: 'tfs',
    message: sub.consumerInputs.messagesToSend === 'none' ? null : message,
    detailedMessage:
      sub.consumerInputs.detailedMessagesToSend === 'none'
        ? null
        : detailedMessage,
    resource: details === 'none' ? null : resource,
    resourceVersion: '1.0',
    resourceContainers: {
      // collection.id is the org's accountId here: the plugin finds the org by collection.id.
      collection: { id: org.accountId, baseUrl },
      account: { id: org.accountId, baseUrl },
      project: { id: after.projectId, baseUrl },
    },
    createdDate: new Date().toISOString(),
  };
}
