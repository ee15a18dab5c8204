import {
  AuthenticationError,
  InputError,
  ServiceUnavailableError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { parseServiceHook } from '../api/serviceHook';
import { InboxStore } from '../database/InboxStore';
import {
  HOOK_EVENT_TYPES,
  hookSecrets,
  OrganizationRecord,
  OrganizationStore,
} from '../database/OrganizationStore';
import { secretDigest, secretMatchesAny } from '../sync/sharedSecret';
import { OrganizationLookup } from './organizationLookup';
import { AckPriority } from '../queue/AckPriority';

/**
 * Event types this endpoint stores: the ones we subscribe to (updated, commented, deleted,
 * restored); everything else is acknowledged and dropped.
 */
const STORED_EVENT_TYPES = HOOK_EVENT_TYPES;
export const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * Digests of an organization's hook secrets, once per record: OrganizationLookup hands out the
 * same record for a few seconds, so a delivery costs one hash instead of two per hook.
 */
const secretDigests = new WeakMap<OrganizationRecord, Buffer[]>();

/** Any of the organization's hook secrets, compared in constant time. */
function secretMatches(
  received: string | undefined,
  organization: OrganizationRecord,
): boolean {
  let digests = secretDigests.get(organization);
  if (!digests) {
    digests = hookSecrets(organization).map(secretDigest);
    secretDigests.set(organization, digests);
  }
  return secretMatchesAny(received, digests);
}

/**
 * `POST /webhooks/workitem`, the ADO service hook target. Unauthenticated in Backstage terms;
 * authenticated by the shared secret of one of the organization's hooks (each of its four hooks
 * has its own; any of them proves the sender is ADO). Keeps the reference's contract: 400 for a
 * body without `eventType`/`resourceContainers.collection.id` or an unknown organization, 401 for
 * a missing or wrong secret, 2xx otherwise. Never 410: ADO disables a hook at once on 410.
 * Once the sender is authenticated, a work item id or revision that is not an integer
 * 1..2^31-1 (parseServiceHook) or a body nested too deeply is a 400 as well: such a delivery
 * can never be stored, so a 503 would only make ADO retry it.
 * The delivery is stored in the inbox before the 2xx and applied after.
 */
export function webhooksRouter(deps: {
  organizations: OrganizationStore;
  inbox: InboxStore;
  /** Asks the inbox processor to run now. */
  onAccepted: () => void;
  /** Told of every request: the inbox processor gives way while they arrive. */
  ackPriority: AckPriority;
}) {
  const router = Router();
  const lookup = new OrganizationLookup(deps.organizations);

  router.post(
    '/webhooks/workitem',
    (_req, _res, next) => {
      deps.ackPriority.noteRequest();
      next();
    },
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    async (req, res) => {
      let payload: any;
      // Stored as received: the text is already JSON, serialising the parsed copy is waste.
      let payloadJson: string;
      try {
        const text = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
        payloadJson = text.replace(/^\uFEFF/, '');
        payload = JSON.parse(payloadJson);
      } catch {
        throw new InputError('The body is not valid JSON');
      }
      const parsed = parseServiceHook(payload, {
        eventTypes: STORED_EVENT_TYPES,
      });
      if (!parsed.envelope) {
        throw new InputError(parsed.ok ? 'No envelope' : parsed.message);
      }
      const { eventType, collectionId } = parsed.envelope;
      if (parsed.ok && parsed.ignored) {
        res.status(200).json({ status: 'ignored', eventType });
        return;
      }
      let organization = await lookup.byCollectionId(collectionId);
      const secret = req.get('shared-secret');
      if (organization && !secretMatches(secret, organization)) {
        // The hook may have been recreated with a new secret since the row was cached.
        organization = await lookup.byCollectionId(collectionId, {
          fresh: true,
        });
      }
      if (!organization) throw new InputError('Integration does not exist.');
      if (!secretMatches(secret, organization)) {
        throw new AuthenticationError('Missing or wrong Shared-Secret header');
      }
      // Only now, so an unauthenticated caller learns nothing past the envelope. A body the
      // parser refuses (too deep to store, a bad id) could never be stored: a 400, not a 503.
      if (!parsed.ok) throw new InputError(parsed.message);
      const { workItemId, revision } = parsed.delivery;

      let accepted: { id: string; duplicate: boolean; queued: boolean };
      try {
        // Stored before the 2xx: an acknowledged delivery survives a crash.
        accepted = await deps.inbox.accept({
          organizationId: organization.id,
          eventType,
          workItemId,
          revision,
          payload,
          payloadJson,
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
