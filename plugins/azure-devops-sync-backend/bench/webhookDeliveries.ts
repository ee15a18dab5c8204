import { randomBytes } from 'node:crypto';

/** A `workitem.updated` delivery shaped like ADO's (resourceVersion 1.0). */
export function delivery(
  collectionId: string,
  projectId: string,
  workItemId: number,
  rev: number,
): string {
  const org = 'http://127.0.0.1/fabrikam/';
  const itemUrl = `${org}${projectId}/_apis/wit/workItems/${workItemId}`;
  const revisedBy = {
    displayName: 'Carol',
    name: 'Carol <carol@example.com>',
    uniqueName: 'carol@example.com',
    id: '21354f98-ab06-67d9-b974-5a54d992082e',
    descriptor: 'aad.MjEzNTRmOTgtYWIwNi03N2Q5LWI5NzQtNWE1NGQ5OTIwODJl',
  };
  return JSON.stringify({
    subscriptionId: '7bf628eb-b3a7-4fb2-ab4d-8b60f2e8cb9b',
    notificationId: rev,
    id: `${workItemId}-${rev}-${randomBytes(4).toString('hex')}`,
    eventType: 'workitem.updated',
    publisherId: 'tfs',
    message: null,
    detailedMessage: null,
    resource: {
      id: rev,
      workItemId,
      rev,
      revisedBy,
      revisedDate: '9999-01-01T00:00:00Z',
      fields: {
        'System.Rev': { oldValue: rev - 1, newValue: rev },
        'System.AuthorizedDate': {
          oldValue: '2026-11-20T10:00:00Z',
          newValue: '2026-11-20T10:00:01Z',
        },
        'System.RevisedDate': {
          oldValue: '2026-11-20T10:00:01Z',
          newValue: '9999-01-01T00:00:00Z',
        },
        'System.ChangedDate': {
          oldValue: '2026-11-20T10:00:00Z',
          newValue: '2026-11-20T10:00:01Z',
        },
        'System.Watermark': { oldValue: rev + 76, newValue: rev + 77 },
        'System.AssignedTo': {
          oldValue: 'Dave <dave@example.com>',
          newValue: 'Carol <carol@example.com>',
        },
        'System.Title': {
          oldValue: 'TypeError: amount is undefined',
          newValue: `TypeError: amount is undefined (rev ${rev})`,
        },
      },
      _links: {
        self: { href: `${itemUrl}/updates/${rev}` },
        workItemUpdates: { href: `${itemUrl}/updates` },
        parent: { href: itemUrl },
      },
      url: `${itemUrl}/updates/${rev}`,
      revision: {
        id: workItemId,
        rev,
        fields: {
          'System.AreaPath': 'Payments',
          'System.TeamProject': 'Payments',
          'System.IterationPath': 'Payments',
          'System.WorkItemType': 'Bug',
          'System.State': 'Approved',
          'System.Reason': 'Approved',
          'System.AssignedTo': 'Carol <carol@example.com>',
          'System.CreatedDate': '2026-11-20T09:00:00Z',
          'System.CreatedBy': 'Dave <dave@example.com>',
          'System.ChangedDate': '2026-11-20T10:00:01Z',
          'System.ChangedBy': 'Carol <carol@example.com>',
          'System.Title': `TypeError: amount is undefined (rev ${rev})`,
          'Microsoft.VSTS.Common.Priority': 2,
          'Microsoft.VSTS.Common.Severity': '3 - Medium',
          'System.Description':
            '<p>TypeError: amount is undefined</p><pre><code>at capture (charge.js:10:3)\nat handler (api.js:42:7)</code></pre>',
        },
        url: `${itemUrl}/revisions/${rev}`,
      },
    },
    resourceVersion: '1.0',
    resourceContainers: {
      collection: { id: collectionId, baseUrl: org },
      account: { id: collectionId, baseUrl: org },
      project: { id: projectId, baseUrl: org },
    },
    createdDate: new Date().toISOString(),
  });
}

/** A call to the plugin's API with a service token. */
export async function call(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<any> {
  const res = await fetch(`${base}/api/azure-devops-sync${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : undefined;
}
