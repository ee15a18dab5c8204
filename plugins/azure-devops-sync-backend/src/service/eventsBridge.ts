import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { SERVICE_HOOK_EVENT_TYPES, parseServiceHook } from '../api/serviceHook';
import { InboxStore } from '../database/InboxStore';
import { OrganizationStore } from '../database/OrganizationStore';

/**
 * Topics `@backstage/plugin-events-backend-module-azure` republishes a service hook on:
 * `azureDevOps.<eventType>`, one per event type the plugin's own webhook reads.
 */
export const AZURE_MODULE_TOPICS = SERVICE_HOOK_EVENT_TYPES.map(
  type => `azureDevOps.${type}`,
);
/** Topic we publish every applied inbound change on. */
export const ISSUE_CHANGED_TOPIC = 'azure-devops-sync.issue-changed';

/**
 * Accepts deliveries that reached Backstage through the events backend's Azure module (which
 * checked their secret itself) into the same inbox as our own webhook, through the same parser:
 * a delivery our webhook would refuse is not stored from here either.
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
    topics: AZURE_MODULE_TOPICS,
    onEvent: async ({ topic, eventPayload }) => {
      const parsed = parseServiceHook(eventPayload);
      if (!parsed.ok || parsed.ignored) {
        deps.logger.warn(
          `Ignored an ${topic} event: ${
            parsed.ok
              ? `event type ${parsed.envelope.eventType.slice(0, 200)}`
              : parsed.message
          }`,
        );
        return;
      }
      const { delivery } = parsed;
      const organization = await deps.organizations.getByExternalId(
        delivery.collectionId,
      );
      if (!organization) {
        deps.logger.debug(
          `Ignored an ${topic} event for no connected organization`,
        );
        return;
      }
      await deps.inbox.accept({
        organizationId: organization.id,
        eventType: delivery.eventType,
        workItemId: delivery.workItemId,
        revision: delivery.revision,
        // The raw body, as the webhook stores it.
        payload: eventPayload,
      });
      deps.onAccepted();
    },
  });
}
