/**
 * The webhook bench's ceiling: a backend plugin whose one route does no work at all, on the same
 * backend and stack as the webhook (Backstage's root router middleware, an unauthenticated auth
 * policy, the same raw body parser and limit). What it serves is what the framework itself can.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import express from 'express';
import Router from 'express-promise-router';
import { WEBHOOK_BODY_LIMIT } from '../src/router/webhooks';

export const CEILING_PATH = '/api/bench-ceiling/noop';

export const benchCeilingPlugin = createBackendPlugin({
  pluginId: 'bench-ceiling',
  register(env) {
    env.registerInit({
      deps: { httpRouter: coreServices.httpRouter },
      async init({ httpRouter }) {
        const router = Router();
        router.post(
          '/noop',
          express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
          (_req, res) => {
            res.status(200).json({ status: 'accepted' });
          },
        );
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/noop', allow: 'unauthenticated' });
      },
    });
  },
});
