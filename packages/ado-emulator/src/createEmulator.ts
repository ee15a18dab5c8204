import express, { NextFunction, Request, Response } from 'express';
import { AddressInfo } from 'net';
import { requireAuth } from './auth';
import { RouteContext } from './context';
import { DeliveryDispatcher } from './deliveries/DeliveryDispatcher';
import { KnobsState } from './knobs';
import { MethodFaults } from './methodFaults';
import { accountsRoutes } from './routes/accounts';
import { adminRoutes } from './routes/admin';
import { graphRoutes } from './routes/graph';
import { hooksRoutes } from './routes/hooks';
import { processesRoutes } from './routes/processes';
import { projectsRoutes } from './routes/projects';
import { wiqlRoutes } from './routes/wiql';
import { workItemsRoutes } from './routes/workItems';
import { workItemTypesRoutes } from './routes/workItemTypes';
import { workItemPageRoutes } from './routes/workItemPage';
import { demoSeed } from './seed/demoSeed';
import { EmulatorState } from './state/EmulatorState';
import { WorkItemHistory } from './state/history';
import { loadSeed } from './state/loadSeed';
import { Urls } from './state/urls';
import { EmulatorSeed } from './types';
import { AdoError, sendAdoError } from './util/errors';

export interface EmulatorOptions {
  /** Data to start from; the demo seed when absent. */
  seed?: EmulatorSeed;
  /** Base of every URL in responses and payloads; defaults to the listen address. */
  publicUrl?: string;
  /** Delay before each delivery retry (default [200, 500, 1000, 2000]). */
  deliveryRetryDelaysMs?: number[];
  /** Failed notifications in a row that disable a subscription (default 3). */
  maxConsecutiveDeliveryFailures?: number;
  /** Per-attempt delivery timeout (default 10 s). */
  deliveryTimeoutMs?: number;
  /** Latency added to every non-admin request from the start (default 0). */
  latencyMs?: number;
}

export interface RunningEmulator {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Emulator {
  app: express.Express;
  state: EmulatorState;
  dispatcher: DeliveryDispatcher;
  knobs: KnobsState;
  /** Resolves when no service hook delivery is queued or in flight. */
  whenDeliveriesIdle(): Promise<void>;
  listen(port?: number, host?: string): Promise<RunningEmulator>;
}

function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v));
}

/** Builds an emulator: an express app plus its in-memory state. */
export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const initialSeed = clone(options.seed ?? demoSeed);
  let publicUrl = options.publicUrl ?? 'http://localhost:7008';
  const urls = new Urls(() => publicUrl);
  const state = new EmulatorState(urls);
  loadSeed(state, clone(initialSeed));
  const dispatcher = new DeliveryDispatcher(state, {
    retryDelaysMs: options.deliveryRetryDelaysMs ?? [200, 500, 1000, 2000],
    maxConsecutiveFailures: options.maxConsecutiveDeliveryFailures ?? 3,
    timeoutMs: options.deliveryTimeoutMs ?? 10_000,
  });
  const knobs = new KnobsState(options.latencyMs ?? 0);
  const ctx: RouteContext = { state, dispatcher, knobs };
  const history = new WorkItemHistory(state);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  const methodFaults = new MethodFaults();
  app.use('/_admin', methodFaults.adminRoutes());
  app.use(
    '/_admin',
    adminRoutes(ctx, { initialSeed: () => clone(initialSeed) }),
  );

  // The browser page of a work item: no credentials, no knobs (a local demo stand-in).
  app.use(workItemPageRoutes(ctx, history));

  app.use(knobs.middleware());
  app.use(methodFaults.middleware());
  app.use(
    express.json({
      limit: '10mb',
      type: req => /json/i.test(String(req.headers['content-type'] ?? '')),
    }),
  );
  app.use('/:org', requireAuth(state));
  for (const routes of [
    accountsRoutes,
    projectsRoutes,
    processesRoutes,
    workItemTypesRoutes,
    workItemsRoutes,
    wiqlRoutes,
    graphRoutes,
    hooksRoutes,
  ]) {
    app.use(routes(ctx));
  }

  // Unknown routes: text/plain like ADO (error-404-no-route.capture.json).
  app.use((req: Request, res: Response) => {
    const message = `The controller for path '${req.path}' was not found or does not implement IController.`;
    res
      .status(404)
      .set('x-tfs-serviceerror', encodeURIComponent(message))
      .type('text/plain')
      .send(message);
  });

  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  app.use((err: any, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof AdoError) {
      sendAdoError(res, err);
      return;
    }
    if (err?.type === 'entity.parse.failed') {
      sendAdoError(
        res,
        new AdoError(
          400,
          'VssPropertyValidationException',
          'The request body is not valid JSON.',
        ),
      );
      return;
    }
    sendAdoError(
      res,
      new AdoError(500, 'VssServiceException', String(err?.message ?? err)),
    );
  });

  return {
    app,
    state,
    dispatcher,
    knobs,
    whenDeliveriesIdle: () => dispatcher.whenIdle(),
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const server = app.listen(port, host);
        server.once('error', reject);
        server.once('listening', () => {
          const actual = (server.address() as AddressInfo).port;
          const shownHost =
            host === '0.0.0.0' || host === '::' ? 'localhost' : host;
          if (!options.publicUrl) publicUrl = `http://${shownHost}:${actual}`;
          resolve({
            url: publicUrl,
            port: actual,
            close: () =>
              new Promise<void>((done, fail) => {
                server.closeAllConnections?.();
                server.close(e => (e ? fail(e) : done()));
              }),
          });
        });
      });
    },
  };
}
