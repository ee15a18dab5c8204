import { z } from 'zod/v4';
import { nestsDeeperThan, tooDeepMessage } from './jsonDepth';
import { firstIssue, zodMessages } from './zodMessages';

const WORDING = { error: zodMessages };

/**
 * The ADO service hook delivery (publisher `tfs`, resourceVersion 1.0) as the plugin reads it:
 * one parser for the webhook route, the events-backend bridge and the inbox processor. Only the
 * parts we read are checked; every other key is kept (passthrough), since the raw payload is
 * stored with the delivery. No Backstage imports: this is the ADO boundary.
 */

/** Work item event types the plugin parses; every other event type is "ignored". */
export const SERVICE_HOOK_EVENT_TYPES = [
  'workitem.updated',
  'workitem.commented',
  'workitem.deleted',
  'workitem.restored',
] as const;
export type ServiceHookEventType = (typeof SERVICE_HOOK_EVENT_TYPES)[number];

/** ADO work item ids and revisions are Int32 on the server. */
export const MAX_WORK_ITEM_NUMBER = 2 ** 31 - 1;

const envelopeSchema = z.object({
  eventType: z.string().min(1).max(200),
  resourceContainers: z.object({
    collection: z.object({ id: z.string().min(1).max(200) }),
  }),
});

const resourceContainersSchema = z
  .object({
    collection: z.object({ id: z.string().min(1).max(200) }).passthrough(),
    // Absent on some synthetic deliveries (the reconciler's), so optional.
    project: z
      .object({ id: z.string().max(200).nullish() })
      .passthrough()
      .nullish(),
  })
  .passthrough();

/**
 * An identity: `"Display Name <email>"` in resourceVersion 1.0 payloads, an IdentityRef object
 * in `revisedBy` and in ADO's "Test" notifications.
 */
const identitySchema = z.union([
  // The object first: `revisedBy` is one in every delivery, and a failed first option costs
  // zod an issue object each time (about a fifth of the parse in the webhook bench).
  z
    .object({
      id: z.string().nullish(),
      displayName: z.string().nullish(),
      name: z.string().nullish(),
      uniqueName: z.string().nullish(),
      mailAddress: z.string().nullish(),
    })
    .passthrough(),
  z.string(),
]);

/** One changed field of a `workitem.updated`; unassignment has only `oldValue`. */
export type ServiceHookFieldChange = {
  oldValue?: unknown;
  newValue?: unknown;
  [key: string]: unknown;
};

/**
 * An object, kept as sent: naming `oldValue`/`newValue` in the schema would make zod add the
 * absent one as `undefined`, and an unassignment is told apart by `newValue` being absent.
 */
const fieldChangeSchema = z.custom<ServiceHookFieldChange>(
  value => !!value && typeof value === 'object' && !Array.isArray(value),
  { error: 'expected an object' },
);

const fieldValuesSchema = z.record(z.string(), z.unknown());

const updatedResourceSchema = z
  .object({
    // Read (and checked) below: they may fall back to `revision.id`/`revision.rev`.
    workItemId: z.unknown(),
    rev: z.unknown(),
    revisedBy: identitySchema.nullish(),
    /** Only the fields this revision changed. */
    fields: z.record(z.string(), fieldChangeSchema).optional(),
    /** The work item after this revision (absent with resourceDetailsToSend: minimal). */
    revision: z
      .object({
        id: z.unknown(),
        rev: z.unknown(),
        fields: fieldValuesSchema.optional(),
      })
      .passthrough()
      .optional(),
  })
  .passthrough();

/** commented, deleted and restored carry the whole work item, with plain field values. */
const workItemResourceSchema = z
  .object({
    id: z.unknown(),
    rev: z.unknown(),
    fields: fieldValuesSchema.optional(),
  })
  .passthrough();

const updatedPayloadSchema = z
  .object({
    eventType: z.literal('workitem.updated'),
    resourceContainers: resourceContainersSchema,
    resource: updatedResourceSchema,
  })
  .passthrough();

const workItemPayloadSchema = z
  .object({
    eventType: z.enum([
      'workitem.commented',
      'workitem.deleted',
      'workitem.restored',
    ]),
    resourceContainers: resourceContainersSchema,
    resource: workItemResourceSchema,
  })
  .passthrough();

export type AdoIdentity = z.infer<typeof identitySchema>;
/** A `workitem.updated` body: `resource.fields` as changes, `resource.revision.fields` a snapshot. */
export type WorkItemUpdatedPayload = z.infer<typeof updatedPayloadSchema>;
/** A `workitem.commented`/`deleted`/`restored` body: `resource.fields` as plain values. */
export type WorkItemEventPayload = z.infer<typeof workItemPayloadSchema>;
export type ServiceHookPayload = WorkItemUpdatedPayload | WorkItemEventPayload;

/** What every delivery is routed by. */
export interface ServiceHookEnvelope {
  eventType: string;
  /** `resourceContainers.collection.id`: the organization's id. */
  collectionId: string;
}

interface DeliveryKey extends ServiceHookEnvelope {
  /** `resourceContainers.project.id`, when the delivery names it. */
  projectId?: string;
  workItemId: number;
  revision: number;
}

export interface WorkItemUpdatedDelivery extends DeliveryKey {
  eventType: 'workitem.updated';
  payload: WorkItemUpdatedPayload;
}

export interface WorkItemEventDelivery extends DeliveryKey {
  eventType: 'workitem.commented' | 'workitem.deleted' | 'workitem.restored';
  payload: WorkItemEventPayload;
}

/** A parsed delivery; `payload` is the body with every key kept. */
export type ServiceHookDelivery =
  | WorkItemUpdatedDelivery
  | WorkItemEventDelivery;

export type ServiceHookParseResult =
  | {
      ok: true;
      ignored: false;
      envelope: ServiceHookEnvelope;
      delivery: ServiceHookDelivery;
    }
  /** An event type the caller does not act on. */
  | { ok: true; ignored: true; envelope: ServiceHookEnvelope }
  /**
   * `message` names the field. `envelope` is set when only the resource is wrong, so a caller
   * can check the sender (its organization and secret) before answering.
   */
  | { ok: false; message: string; envelope?: ServiceHookEnvelope };

/**
 * Parses a delivery body (already JSON-parsed). Never throws for any JSON value.
 * `eventTypes` narrows the event types to read (default: all of SERVICE_HOOK_EVENT_TYPES);
 * other types come back `ignored`, with only their envelope checked.
 */
export function parseServiceHook(
  body: unknown,
  options: { eventTypes?: readonly ServiceHookEventType[] } = {},
): ServiceHookParseResult {
  const handled: readonly string[] =
    options.eventTypes ?? SERVICE_HOOK_EVENT_TYPES;
  const head = envelopeSchema.safeParse(body, WORDING);
  if (!head.success) return { ok: false, message: zodMessage(head.error) };
  const envelope: ServiceHookEnvelope = {
    eventType: head.data.eventType,
    collectionId: head.data.resourceContainers.collection.id,
  };
  if (!handled.includes(envelope.eventType)) {
    return { ok: true, ignored: true, envelope };
  }

  const fail = (message: string) => ({ ok: false as const, message, envelope });
  // Too deep a body could never be stored (JSON.stringify overflows its stack).
  if (nestsDeeperThan(body)) return fail(tooDeepMessage('The delivery'));
  if (envelope.eventType === 'workitem.updated') {
    const parsed = updatedPayloadSchema.safeParse(body, WORDING);
    if (!parsed.success) return fail(zodMessage(parsed.error));
    const payload = parsed.data;
    const { resource } = payload;
    // `workItemId` is the item's id (`resource.id` is the update's number); `revision` is the
    // item after the update, so its id and rev stand in when the top-level ones are absent.
    const workItemId = positiveInteger([
      ['resource.workItemId', resource.workItemId],
      ['resource.revision.id', resource.revision?.id],
    ]);
    if (!workItemId.ok) return fail(workItemId.message);
    const revision = positiveInteger([
      ['resource.rev', resource.rev],
      ['resource.revision.rev', resource.revision?.rev],
    ]);
    if (!revision.ok) return fail(revision.message);
    return {
      ok: true,
      ignored: false,
      envelope,
      delivery: {
        ...envelope,
        eventType: 'workitem.updated',
        projectId: payload.resourceContainers.project?.id ?? undefined,
        workItemId: workItemId.value,
        revision: revision.value,
        payload,
      },
    };
  }

  const parsed = workItemPayloadSchema.safeParse(body, WORDING);
  if (!parsed.success) return fail(zodMessage(parsed.error));
  const payload = parsed.data;
  const { resource } = payload;
  const workItemId = positiveInteger([['resource.id', resource.id]]);
  if (!workItemId.ok) return fail(workItemId.message);
  // Every published sample and the REST recycle-bin capture carry `rev`; the processor applies
  // these events' fields too, so a delivery without a revision would skip the stale guard.
  const revision = positiveInteger([
    ['resource.rev', resource.rev],
    ['resource.fields["System.Rev"]', resource.fields?.['System.Rev']],
  ]);
  if (!revision.ok) return fail(revision.message);
  return {
    ok: true,
    ignored: false,
    envelope,
    delivery: {
      ...envelope,
      eventType: payload.eventType,
      projectId: payload.resourceContainers.project?.id ?? undefined,
      workItemId: workItemId.value,
      revision: revision.value,
      payload,
    },
  };
}

/**
 * The first candidate that is present (not undefined/null) must be an integer in
 * 1..2^31-1, given as a JSON number: `"12"` or `"1e3"` is refused, not coerced.
 */
function positiveInteger(
  candidates: Array<[path: string, value: unknown]>,
): { ok: true; value: number } | { ok: false; message: string } {
  const found = candidates.find(([, v]) => v !== undefined && v !== null);
  if (!found) {
    return {
      ok: false,
      message: `The delivery has no valid ${candidates[0][0]}: Required`,
    };
  }
  const [path, value] = found;
  if (
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= 1 &&
    value <= MAX_WORK_ITEM_NUMBER
  ) {
    return { ok: true, value };
  }
  return {
    ok: false,
    message: `The delivery has no valid ${path}: expected an integer from 1 to ${MAX_WORK_ITEM_NUMBER}, got ${describe(
      value,
    )}`,
  };
}

function describe(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(value)) return 'an array';
  return `${typeof value === 'object' ? 'an object' : `a ${typeof value}`}`;
}

function zodMessage(error: z.ZodError): string {
  const issue = firstIssue(error);
  return `The delivery has no valid ${issue.path.join('.') || 'body'}: ${
    issue.message
  }`;
}
