import { ConflictError, NotFoundError } from '@backstage/errors';
import { azureDevOpsSyncDeliveryManagePermission } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { InboxStore } from '../database/InboxStore';
import { OrganizationStore } from '../database/OrganizationStore';
import { OutboxStore } from '../database/OutboxStore';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';

const deliveryFilter = z.object({
  status: z.enum(['pending', 'applied', 'skipped', 'failed']).optional(),
});
const jobFilter = z.object({
  status: z
    .enum(['pending', 'running', 'done', 'skipped', 'failed'])
    .optional(),
});

/** The delivery log and outbound job log, with replay; admin only. */
export function deliveriesRouter(deps: {
  organizations: OrganizationStore;
  inbox: InboxStore;
  outbox: OutboxStore;
  authorizer: RouteAuthorizer;
  onReplayDelivery: () => void;
  onReplayJob: () => void;
}) {
  const router = Router();
  const requireOrganization = async (id: string) => {
    if (!(await deps.organizations.get(id))) {
      throw new NotFoundError(`No Azure DevOps organization with id ${id}`);
    }
  };

  router.get('/organizations/:id/deliveries', async (req, res) => {
    await deps.authorizer.require(req, azureDevOpsSyncDeliveryManagePermission);
    const { status } = parseInput(deliveryFilter, req.query, 'query');
    await requireOrganization(req.params.id);
    res.json({
      items: await deps.inbox.list({ organizationId: req.params.id, status }),
    });
  });

  router.post('/deliveries/:id/replay', async (req, res) => {
    await deps.authorizer.require(req, azureDevOpsSyncDeliveryManagePermission);
    const delivery = await deps.inbox.get(req.params.id);
    if (!delivery)
      throw new NotFoundError(`No delivery with id ${req.params.id}`);
    if (!(await deps.inbox.replay(delivery.id))) {
      throw new ConflictError(
        `Delivery ${delivery.id} is ${delivery.status}; only failed or skipped deliveries can be replayed`,
      );
    }
    deps.onReplayDelivery();
    res.status(202).json({ id: delivery.id, status: 'pending' });
  });

  router.get('/organizations/:id/jobs', async (req, res) => {
    await deps.authorizer.require(req, azureDevOpsSyncDeliveryManagePermission);
    const { status } = parseInput(jobFilter, req.query, 'query');
    await requireOrganization(req.params.id);
    res.json({
      items: await deps.outbox.list({ organizationId: req.params.id, status }),
    });
  });

  router.post('/jobs/:id/replay', async (req, res) => {
    await deps.authorizer.require(req, azureDevOpsSyncDeliveryManagePermission);
    const job = await deps.outbox.get(req.params.id);
    if (!job)
      throw new NotFoundError(`No outbound job with id ${req.params.id}`);
    if (!(await deps.outbox.replay(job.id))) {
      throw new ConflictError(
        `Job ${job.id} is ${job.status}; only failed jobs can be replayed`,
      );
    }
    deps.onReplayJob();
    res.status(202).json({ id: job.id, status: 'pending' });
  });

  return router;
}
