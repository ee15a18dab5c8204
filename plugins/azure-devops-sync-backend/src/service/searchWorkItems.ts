import type { WorkItemSummary } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { AdoClient } from '../api/AdoClient';
import { workItemUrl } from '../api/urls';
import { searchWorkItemsQuery } from '../sync/wiql';

const FIELDS = [
  'System.Id',
  'System.Title',
  'System.State',
  'System.WorkItemType',
];

/** Work items whose title contains `text` (or whose id it is), newest change first. */
export async function searchWorkItems(
  client: AdoClient,
  text: string,
  limit: number,
  projectName?: string,
): Promise<WorkItemSummary[]> {
  const result = await client.queryWiql(
    searchWorkItemsQuery(text, projectName),
    {
      top: limit,
    },
  );
  const ids = result.workItems.slice(0, limit).map(w => w.id);
  if (ids.length === 0) return [];
  const byId = new Map(
    (await client.getWorkItems(ids, FIELDS)).map(item => [item.id, item]),
  );
  return ids.flatMap(id => {
    const item = byId.get(id);
    if (!item) return [];
    return [
      {
        id,
        title: String(item.fields['System.Title'] ?? ''),
        state: String(item.fields['System.State'] ?? ''),
        workItemType: item.fields['System.WorkItemType'],
        url: workItemUrl(client.baseUrl, id),
      },
    ];
  });
}
