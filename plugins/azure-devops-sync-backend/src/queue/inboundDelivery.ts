import { InboxDelivery } from '../database/InboxStore';
import { FieldChange, InboundDelivery } from '../sync/decideInbound';

/**
 * A stored delivery in the terms of the inbound rules. `workitem.updated` carries changed fields
 * as {oldValue, newValue}; the other events carry the item's plain field values.
 */
export function inboundDeliveryOf(
  delivery: InboxDelivery,
): InboundDelivery | undefined {
  if (delivery.workItemId === null) return undefined;
  const resource = delivery.payload?.resource ?? {};
  const fields: Record<string, unknown> =
    resource.fields && typeof resource.fields === 'object'
      ? resource.fields
      : {};
  const changes: Record<string, FieldChange> =
    delivery.eventType === 'workitem.updated'
      ? (fields as Record<string, FieldChange>)
      : Object.fromEntries(
          Object.entries(fields).map(([k, v]) => [k, { newValue: v }]),
        );
  const snapshot =
    resource.revision?.fields && typeof resource.revision.fields === 'object'
      ? (resource.revision.fields as Record<string, unknown>)
      : undefined;
  const projectId = delivery.payload?.resourceContainers?.project?.id;
  return {
    eventType: delivery.eventType,
    workItemId: delivery.workItemId,
    revision: delivery.revision ?? 0,
    changes,
    snapshot,
    revisedBy: resource.revisedBy,
    projectId: typeof projectId === 'string' ? projectId : undefined,
  };
}
