import { parseServiceHook } from '../api/serviceHook';
import { InboxDelivery } from '../database/InboxStore';
import { FieldChange, InboundDelivery } from '../sync/decideInbound';

/**
 * A stored delivery in the terms of the inbound rules, read with the same parser the webhook
 * used; a message when it cannot be read (a row stored by an older version). `workitem.updated`
 * carries changed fields as {oldValue, newValue}; the other events the item's plain values.
 */
export function inboundDeliveryOf(
  stored: InboxDelivery,
): InboundDelivery | string {
  const parsed = parseServiceHook(stored.payload);
  if (!parsed.ok)
    return `The stored delivery cannot be read: ${parsed.message}`;
  if (parsed.ignored) {
    return `Event type ${parsed.envelope.eventType} is not synced`;
  }
  const { delivery } = parsed;
  const common = {
    eventType: delivery.eventType,
    workItemId: delivery.workItemId,
    revision: delivery.revision,
    projectId: delivery.projectId,
  };
  if (delivery.eventType === 'workitem.updated') {
    const { resource } = delivery.payload;
    return {
      ...common,
      changes: resource.fields ?? {},
      snapshot: resource.revision?.fields,
      revisedBy: resource.revisedBy ?? undefined,
    };
  }
  const { resource } = delivery.payload;
  const changes: Record<string, FieldChange> = Object.fromEntries(
    Object.entries(resource.fields ?? {}).map(([k, v]) => [k, { newValue: v }]),
  );
  return { ...common, changes, revisedBy: resource.revisedBy };
}
