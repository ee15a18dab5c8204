/**
 * The webhook bench's reference routes, in a backend plugin of their own on the same backend and
 * stack as the webhook (Backstage's root router middleware, an unauthenticated auth policy, the
 * same raw body parser and limit):
 * - `noop` does no work at all: what the framework itself can serve (the ceiling);
 * - `floor` does the least any webhook must do that answers bad JSON with a 400 and stores what
 *   it acknowledges before answering: JSON.parse, then the body INSERTed through the plugin's
 *   own database service (knex, SQLite tuned like ours) with the webhook's group commit (one
 *   multi-row INSERT per turn of the event loop), nothing else: no schema, secret or dedupe.
 */
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import DataLoader from 'dataloader';
import express from 'express';
import Router from 'express-promise-router';
import { WEBHOOK_BODY_LIMIT } from '../src/router/webhooks';
import { tuneSqliteConnections } from '../src/database/sqliteTuning';

export const CEILING_PATH = '/api/bench-ceiling/noop';
export const FLOOR_PATH = '/api/bench-ceiling/floor';

export const benchCeilingPlugin = createBackendPlugin({
  pluginId: 'bench-ceiling',
  register(env) {
    env.registerInit({
      deps: {
        httpRouter: coreServices.httpRouter,
        database: coreServices.database,
      },
      async init({ httpRouter, database }) {
        const db = await database.getClient();
        await tuneSqliteConnections(db);
        if (!(await db.schema.hasTable('bench_floor'))) {
          await db.schema.createTable('bench_floor', table => {
            table.increments('id');
            table.text('payload').notNullable();
          });
        }
        const inserts = new DataLoader<string, true>(
          async texts => {
            await db('bench_floor').insert(texts.map(payload => ({ payload })));
            return texts.map(() => true as const);
          },
          {
            cache: false,
            maxBatchSize: 500,
            batchScheduleFn: callback => setImmediate(callback),
          },
        );
        const router = Router();
        const body = express.raw({
          type: () => true,
          limit: WEBHOOK_BODY_LIMIT,
        });
        router.post('/noop', body, (_req, res) => {
          res.status(200).json({ status: 'accepted' });
        });
        router.post('/floor', body, async (req, res) => {
          const text = Buffer.isBuffer(req.body)
            ? req.body.toString('utf8')
            : '';
          try {
            JSON.parse(text);
          } catch {
            throw new InputError('The body is not valid JSON');
          }
          await inserts.load(text);
          res.status(200).json({ status: 'accepted' });
        });
        httpRouter.use(router);
        httpRouter.addAuthPolicy({ path: '/noop', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/floor', allow: 'unauthenticated' });
      },
    });
  },
});
