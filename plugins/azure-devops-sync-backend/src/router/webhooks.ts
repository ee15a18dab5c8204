import { AuthenticationError, InputError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { OrganizationStore } from '../database/OrganizationStore';
import { sharedSecretMatches } from '../sync/sharedSecret';

/** Event types this endpoint acts on; everything else is acknowledged and dropped. */
const HANDLED_EVENT_TYPES = new Set([
  'workitem.updated',
  'workitem.commented',
  'workitem.deleted',
]);
export const WEBHOOK_BODY_LIMIT = '1mb';

/**
 * `POST /webhooks/workitem`, the ADO service hook target. Unauthenticated in Backstage terms;
 * authenticated by the organization's shared secret. Keeps the reference's contract: 400 for a
 * body without `eventType`/`resourceContainers.collection.id` or an unknown organization, 401 for
 * a missing or wrong secret, 2xx otherwise. Never 410: ADO disables a hook at once on 410.
 */
export function webhooksRouter(deps: { organizations: OrganizationStore }) {
  const router = Router();

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
      const eventType = payload?.eventType;
      const collectionId = payload?.resourceContainers?.collection?.id;
      if (typeof eventType !== 'string' || !eventType) {
        throw new InputError('The delivery has no eventType');
      }
      if (typeof collectionId !== 'string' || !collectionId) {
        throw new InputError(
          'The delivery has no resourceContainers.collection.id',
        );
      }
      if (!HANDLED_EVENT_TYPES.has(eventType)) {
        res.status(200).json({ status: 'ignored', eventType });
        return;
      }
      const organization = await deps.organizations.getByExternalId(
        collectionId,
      );
      if (!organization) throw new InputError('Integration does not exist.');
      if (
        !sharedSecretMatches(
          req.get('shared-secret'),
          organization.subscription.secret,
        )
      ) {
        throw new AuthenticationError('Missing or wrong Shared-Secret header');
      }
      await deps.organizations.update(organization.id, {
        lastDeliveryAt: new Date(),
      });
      res.status(200).json({ status: 'accepted' });
    },
  );

  return router;
}
