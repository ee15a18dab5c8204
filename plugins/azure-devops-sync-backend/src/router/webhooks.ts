import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { InboxStore } from '../database/InboxStore';
import { OrganizationStore } from '../database/OrganizationStore';
import { sharedSecretMatches } from '../sync/sharedSecret';
import { OrganizationLookup } from './organizationLookup';

/** Event types this endpoint acts on; everything else is acknowledged and dropped. */
const HANDLED_EVENT_TYPES = new Set([
  'workitem.updated',
  'workitem.commented',
  'workitem.deleted',
]);
export const WEBHOOK_BODY_LIMIT = '1mb';

/** The envelope every ADO service hook delivery has; the rest is read per event type. */
const envelopeSchema = z.object({
  eventType: z.string().min(1).max(200),
  resourceContainers: z.object({
    collection: z.object({ id: z.string().min(1).max(200) }),
  }),
});

/**
 * `POST /webhooks/workitem`, the ADO service hook target. Unauthenticated in Backstage terms;
 * authenticated by the organization's shared secret. Keeps the reference's contract: 400 for a
 * body without `eventType`/`resourceContainers.collection.id` or an unknown organization, 401 for
 * a missing or wrong secret, 2xx otherwise. Never 410: ADO disables a hook at once on 410.
 * The delivery is stored in the inbox before the 2xx and applied after.
 */
export function webhooksRouter(deps: {
  organizations: OrganizationStore;
  inbox: InboxStore;
  /** Asks the inbox processor to run now. */
  onAccepted: () => void;
}) {
  const router = Router();
  const lookup = new OrganizationLookup(deps.organizations);

  router.post(
    '/webhooks/workitem',
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req, res) => {
      let payload: any;
      try {
        const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        payload = JSON.parse(text.replace(/^\uFEFF/, ''));
      } catch {
        throw new InputError('The body is not valid JSON');
      }
      const envelope = envelopeSchema.safeParse(payload);
      if (!envelope.success) {
        const issue = envelope.error.issues[0];
        throw new InputError(
          `The delivery has no valid ${issue.path.join('.') || 'body'}: ${
            issue.message
          }`,
        );
      }
      const { eventType } = envelope.data;
      const collectionId = envelope.data.resourceContainers.collection.id;
      if (!HANDLED_EVENT_TYPES.has(eventType)) {
        res.status(200).json({ status: 'ignored', eventType });
        return;
      }
      let organization = await lookup.byCollectionId(collectionId);
      const secret = req.get('shared-secret');
      if (
        organization &&
        !sharedSecretMatches(secret, organization.subscription.secret)
      ) {
        // The hook may have been recreated with a new secret since the row was cached.
        organization = await lookup.byCollectionId(collectionId, {
          fresh: true,
        });
      }
      if (!organization) throw new InputError('Integration does not exist.');
      if (!sharedSecretMatches(secret, organization.subscription.secret)) {
        throw new AuthenticationError('Missing or wrong Shared-Secret header');
      }

      const { workItemId, revision } = deliveryKey(eventType, payload.resource);
      if (workItemId === null) {
        throw new InputError(
          'The delivery has no work item id (resource.workItemId)',
        );
      }
      let accepted: { id: string; duplicate: boolean; queued: boolean };
      try {
        // Stored before the 2xx: an acknowledged delivery survives a crash.
        accepted = await deps.inbox.accept({
          organizationId: organization.id,
          eventType,
          workItemId,
          revision,
          payload,
        });
        await lookup.stampDelivery(organization.id);
      } catch (error) {
        // 503 makes ADO retry soon; any other failure would put the hook on probation.
        throw new ServiceUnavailableError(
          `The delivery could not be stored: ${(error as Error).message}`,
        );
      }
      if (accepted.queued) deps.onAccepted();
      res.status(200).json({
        status: accepted.duplicate ? 'duplicate' : 'accepted',
        id: accepted.id,
      });
    },
  );

  return router;
}

function toInt(value: unknown): number | null {
  const n =
    typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' &&
    Number.isInteger(n) &&
    n >= 0 &&
    n <= 2 ** 31 - 1
    ? n
    : null;
}

/** Work item id and revision: `resource.workItemId`/`rev` on updates, `resource.id`/`rev` otherwise. */
export function deliveryKey(
  eventType: string,
  resource: any,
): { workItemId: number | null; revision: number | null } {
  if (!resource || typeof resource !== 'object') {
    return { workItemId: null, revision: null };
  }
  if (eventType === 'workitem.updated') {
    return {
      workItemId: toInt(resource.workItemId ?? resource.revision?.id),
      revision: toInt(resource.rev ?? resource.revision?.rev),
    };
  }
  return {
    workItemId: toInt(resource.id),
    revision: toInt(resource.rev ?? resource.fields?.['System.Rev']),
  };
}
