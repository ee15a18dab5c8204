import { LoggerService } from '@backstage/backend-plugin-api';
import { InboxStore } from '../database/InboxStore';
import { IssueStore } from '../database/IssueStore';
import { OrganizationStore } from '../database/OrganizationStore';
import { SyncStateStore } from '../database/SyncStateStore';
import { AdoClientFactory } from './AdoClientFactory';
import { describeAdoError } from './describeAdoError';
import { ProjectCatalogService } from './ProjectCatalogService';

const FIELDS = [
  'System.Id',
  'System.Rev',
  'System.State',
  'System.AssignedTo',
  'System.Title',
  'System.TeamProject',
];
const CHUNK = 200;

/**
 * Catches what service hooks missed (ADO gives no delivery guarantee): asks ADO which linked work
 * items changed since the last sweep (WIQL on System.ChangedDate), and for each whose revision
 * was never applied nor written by us, feeds a synthetic `workitem.updated` for that revision
 * into the inbox. Its key is the real delivery's, so a late real delivery is a duplicate.
 * State is reconciled from the link's last known state; assignee changes need the delivery.
 */
export class Reconciler {
  private readonly lastSweep = new Map<string, Date>();

  constructor(
    private readonly deps: {
      organizations: OrganizationStore;
      issues: IssueStore;
      inbox: InboxStore;
      syncState: SyncStateStore;
      clients: AdoClientFactory;
      catalogs: ProjectCatalogService;
      logger: LoggerService;
      onQueued: () => void;
    },
  ) {}

  /** Returns how many revisions were queued. */
  async run(): Promise<number> {
    let queued = 0;
    for (const organization of await this.deps.organizations.list()) {
      try {
        queued += await this.reconcile(
          organization.id,
          organization.externalId ?? '',
        );
      } catch (error) {
        this.deps.logger.warn(
          `Reconciliation of ${organization.name} failed: ${describeAdoError(
            error,
          )}`,
        );
      }
    }
    if (queued > 0) this.deps.onQueued();
    return queued;
  }

  private async reconcile(
    organizationId: string,
    externalId: string,
  ): Promise<number> {
    const { issues, syncState, inbox, clients } = this.deps;
    const ids = await issues.linkedWorkItemIds(organizationId);
    if (ids.length === 0) return 0;
    const startedAt = new Date();
    const since = this.lastSweep.get(organizationId);
    const { client } = await clients.forOrganization(organizationId);
    const catalog = await this.deps.catalogs.get(organizationId);
    let queued = 0;
    for (let i = 0; i < ids.length; i += CHUNK) {
      let chunk = ids.slice(i, i + CHUNK);
      if (since) {
        // WIQL date precision is a day unless asked otherwise; the revision check below decides.
        const changed = await client.queryWiql(
          `SELECT [System.Id] FROM WorkItems WHERE [System.Id] IN (${chunk.join(
            ',',
          )}) AND [System.ChangedDate] >= '${since
            .toISOString()
            .slice(0, 10)}'`,
        );
        chunk = changed.workItems.map(w => w.id);
        if (chunk.length === 0) continue;
      }
      for (const item of await client.getWorkItems(chunk, FIELDS)) {
        const rev = Number(item.rev ?? item.fields['System.Rev']);
        if (
          !rev ||
          rev <= (await syncState.lastAppliedRevision(organizationId, item.id))
        )
          continue;
        const [link] = await issues.linksForWorkItem(organizationId, item.id);
        const projectName = String(
          item.fields['System.TeamProject'] ?? '',
        ).toLowerCase();
        const projectId =
          link?.projectId ??
          catalog.projects.find(p => p.name.toLowerCase() === projectName)?.id;
        const { duplicate } = await inbox.accept({
          organizationId,
          eventType: 'workitem.updated',
          workItemId: item.id,
          revision: rev,
          payload: {
            eventType: 'workitem.updated',
            reconciled: true,
            // No field changes, only the revision snapshot: the processor compares it with
            // the values of the last applied revision.
            resource: {
              workItemId: item.id,
              rev,
              fields: {},
              revision: { id: item.id, rev, fields: item.fields },
            },
            resourceContainers: {
              collection: { id: externalId },
              project: { id: projectId },
            },
          },
        });
        if (!duplicate) queued++;
      }
    }
    this.lastSweep.set(organizationId, startedAt);
    return queued;
  }
}
