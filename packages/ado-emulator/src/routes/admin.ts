import express, { Router } from 'express';
import { RouteContext } from '../context';
import { renderSubscription } from './hooks';
import { EmulatorSeed } from '../types';
import { loadSeed } from '../state/loadSeed';
import { Organization, SubscriptionStatus } from '../state/model';
import {
  createWorkItem,
  deleteWorkItem,
  restoreWorkItem,
  fieldsToOps,
  updateWorkItem,
} from '../state/workItems';
import { AdoError, workItemNotFound } from '../util/errors';

const STATUSES: SubscriptionStatus[] = [
  'enabled',
  'onProbation',
  'disabledByUser',
  'disabledBySystem',
  'disabledByInactiveIdentity',
];

/**
 * Test and demo controls under `/_admin` (no auth): knobs, stats, edits "as a
 * user in ADO", reset, raw state and the delivery log.
 */
export function adminRoutes(
  ctx: RouteContext,
  options: { initialSeed: () => EmulatorSeed },
): Router {
  const { state, dispatcher, knobs } = ctx;
  const router = Router();
  router.use(express.json({ limit: '20mb' }));

  const org = (name: string): Organization => state.orgOrThrow(name);
  const actor = (o: Organization, as: unknown) => {
    if (as) {
      const i = state.findIdentity(String(as));
      if (!i)
        throw new AdoError(400, 'ArgumentException', `Unknown user ${as}`);
      return i;
    }
    const members = [...state.identities.values()].filter(
      i => i.kind === 'user' && i.orgs.has(o.name.toLowerCase()),
    );
    return (
      members.find(i => i.email.toLowerCase() === 'alice@example.com') ??
      members[0]
    );
  };
  const item = (o: Organization, id: string) => {
    const wi = state.workItem(o, Number(id));
    if (!wi) throw workItemNotFound(id);
    return wi;
  };

  router.get('/knobs', (_req, res) => {
    res.json(knobs.knobs);
  });
  router.post('/knobs', (req, res) => {
    res.json(knobs.set(req.body ?? {}));
  });
  router.get('/stats', (_req, res) => {
    res.json(knobs.stats());
  });
  router.post('/stats/reset', (_req, res) => {
    knobs.resetStats();
    res.json(knobs.stats());
  });

  router.post('/reset', (req, res) => {
    const seed: EmulatorSeed = req.body?.seed ?? options.initialSeed();
    dispatcher.reset();
    loadSeed(state, seed);
    knobs.reset();
    knobs.resetStats();
    res.json({
      ok: true,
      organizations: [...state.orgs.values()].map(o => o.name),
    });
  });

  router.post('/:org/workitems', (req, res) => {
    const o = org(req.params.org);
    const { project, type, fields, as } = req.body ?? {};
    const p = state.projectOrThrow(o, String(project));
    const wi = createWorkItem(
      state,
      o,
      p,
      String(type),
      fieldsToOps(fields ?? {}),
      actor(o, as),
    );
    res.json(wi);
  });

  router.post('/:org/workitems/:id', (req, res) => {
    const o = org(req.params.org);
    const wi = item(o, req.params.id);
    const { fields, as } = req.body ?? {};
    updateWorkItem(state, o, wi, fieldsToOps(fields ?? {}), actor(o, as));
    res.json(wi);
  });

  router.delete('/:org/workitems/:id', (req, res) => {
    const o = org(req.params.org);
    const wi = item(o, req.params.id);
    deleteWorkItem(state, o, wi, actor(o, req.query.as ?? req.body?.as));
    res.json(wi);
  });

  router.post('/:org/workitems/:id/restore', (req, res) => {
    const o = org(req.params.org);
    const wi = o.workItems.get(Number(req.params.id));
    if (!wi || !wi.deleted) throw workItemNotFound(req.params.id);
    restoreWorkItem(state, o, wi, actor(o, req.body?.as));
    res.json(wi);
  });

  router.get('/state/:org/workitems/:id', (req, res) => {
    const o = org(req.params.org);
    const wi = o.workItems.get(Number(req.params.id));
    if (!wi) throw workItemNotFound(req.params.id);
    res.json(wi);
  });

  router.get('/deliveries', (req, res) => {
    const sub = req.query.subscriptionId as string | undefined;
    const value = dispatcher.log.filter(
      d => !sub || d.subscriptionId === sub.toLowerCase(),
    );
    res.json({ count: value.length, value });
  });

  router.get('/subscriptions', (_req, res) => {
    const value = [...state.orgs.values()].flatMap(o =>
      [...o.subscriptions.values()].map(s => ({
        org: o.name,
        ...renderSubscription(state, o, s),
      })),
    );
    res.json({ count: value.length, value });
  });

  router.post('/subscriptions/:id/status', (req, res) => {
    const status = req.body?.status;
    if (!STATUSES.includes(status)) {
      throw new AdoError(400, 'ArgumentException', `Unknown status ${status}`);
    }
    for (const o of state.orgs.values()) {
      const sub = o.subscriptions.get(req.params.id.toLowerCase());
      if (sub) {
        sub.status = status;
        if (status === 'enabled') {
          sub.probationRetries = 0;
          sub.consecutiveFailures = 0;
        }
        res.json(renderSubscription(state, o, sub));
        return;
      }
    }
    throw new AdoError(
      404,
      'SubscriptionNotFoundException',
      `Subscription ${req.params.id} not found`,
    );
  });

  return router;
}
