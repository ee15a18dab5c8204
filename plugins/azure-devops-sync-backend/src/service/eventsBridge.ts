import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { InboxStore } from '../database/InboxStore';
import { OrganizationStore } from '../database/OrganizationStore';
import { deliveryKey } from '../router/webhooks';

/** Topic of `@backstage/plugin-events-backend-module-azure` for work item updates. */
export const AZURE_MODULE_TOPIC = 'azureDevOps.workitem.updated';
/** Topic we publish every applied inbound change on. */
export const ISSUE_CHANGED_TOPIC = 'azure-devops-sync.issue-changed';

/**
 * Accepts deliveries that reached Backstage through the events backend's Azure module (which
 * checked their secret itself) into the same inbox as our own webhook.
 */
export async function subscribeToAzureModule(deps: {
  events: EventsService;
  organizations: OrganizationStore;
  inbox: InboxStore;
  logger: LoggerService;
  onAccepted: () => void;
}): Promise<void> {
  await deps.events.subscribe({
    id: 'azure-devops-sync-inbox',
    topics: [AZURE_MODULE_TOPIC],
    onEvent: async ({ eventPayload }) => {
      const payload = eventPayload as any;
      const collectionId = payload?.resourceContainers?.collection?.id;
      const organization =
        typeof collectionId === 'string'
          ? await deps.organizations.getByExternalId(collectionId)
          : undefined;
      const { workItemId, revision } = deliveryKey(
        'workitem.updated',
        payload?.resource,
      );
      if (!organization || workItemId === null) {
        deps.logger.debug(
          `Ignored an ${AZURE_MODULE_TOPIC} event for no connected organization`,
        );
        return;
      }
      await deps.inbox.accept({
        organizationId: organization.id,
        eventType: 'workitem.updated',
        workItemId,
        revision,
        payload,
      });
      deps.onAccepted();
    },
  });
}
