/**
 * Entry of a real backend process for the reliability suites that need OS processes (crash,
 * two processes): `createBackend()` from @backstage/backend-defaults with its config from code,
 * an in-memory catalog and this plugin, listening on 127.0.0.1 only. Started by
 * {@link spawnBackend} (`node --import tsx backendProcess.ts <options as JSON>`), never imported
 * by a test. The root logger skips the config-schema scan behind secret redaction, which alone
 * took seconds per start.
 *
 * Two test-only additions to the scheduler, reported over the IPC channel:
 * - every run of the plugin's scheduled tasks (start and end, with the task's scope), so a
 *   suite can tell whether a `global` task ran on two processes at once;
 * - `initialDelaySeconds` caps the initial delay of those tasks (the plugin waits one to two
 *   minutes before its first reconciliation and hook check; their frequency is plugin config).
 *
 * The process exits when its parent goes away (the IPC channel closes), so a test that dies
 * leaves no backend behind.
 */
import {
  coreServices,
  createServiceFactory,
  SchedulerService,
  SchedulerServiceTaskScheduleDefinition,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { createBackend } from '@backstage/backend-defaults';
import { WinstonLogger } from '@backstage/backend-defaults/rootLogger';
import { DefaultSchedulerService } from '@backstage/backend-defaults/scheduler';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  CatalogService,
  catalogServiceRef,
} from '@backstage/plugin-catalog-node';
import { azureDevOpsSyncPlugin } from '../../plugin';
import { localBackendConfig } from './backendConfig';
import { DEMO_ENTITIES } from '../../__testUtils__/demoEntities';
import type {
  BackendProcessMessage,
  BackendProcessOptions,
} from './spawnBackend';

type TaskDefinition = SchedulerServiceTaskScheduleDefinition &
  SchedulerServiceTaskInvocationDefinition;

function send(message: BackendProcessMessage) {
  if (process.connected) process.send!(message);
}

/** Milliseconds of a `{ minutes: 1 }`-style duration; undefined for cron and trigger forms. */
function durationMs(value: unknown): number | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const d = value as Record<string, unknown>;
  if ('cron' in d || 'trigger' in d) return undefined;
  if (typeof (d as any).toMillis === 'function') return (d as any).toMillis();
  const n = (key: string) => (typeof d[key] === 'number' ? Number(d[key]) : 0);
  return (
    ((((n('years') * 365 + n('months') * 30 + n('weeks') * 7 + n('days')) * 24 +
      n('hours')) *
      60 +
      n('minutes')) *
      60 +
      n('seconds')) *
      1000 +
    n('milliseconds')
  );
}

/** The default scheduler, with every task run reported and initial delays capped. */
function recordingScheduler(options: BackendProcessOptions) {
  return createServiceFactory({
    service: coreServices.scheduler,
    deps: {
      database: coreServices.database,
      logger: coreServices.logger,
      rootLifecycle: coreServices.rootLifecycle,
      httpRouter: coreServices.httpRouter,
      pluginMetadata: coreServices.pluginMetadata,
      metrics: metricsServiceRef,
    },
    async factory(deps) {
      const inner = DefaultSchedulerService.create(deps);
      const scheduler: SchedulerService = {
        triggerTask: id => inner.triggerTask(id),
        cancelTask: id => inner.cancelTask(id),
        getScheduledTasks: () => inner.getScheduledTasks(),
        createScheduledTaskRunner: schedule => ({
          run: task => scheduler.scheduleTask({ ...task, ...schedule }),
        }),
        scheduleTask: (task: TaskDefinition) => {
          const scope = task.scope ?? 'global';
          let initialDelay = task.initialDelay;
          const cap = options.initialDelaySeconds;
          const delayMs = durationMs(initialDelay);
          if (
            cap !== undefined &&
            delayMs !== undefined &&
            delayMs > cap * 1000
          )
            initialDelay = { milliseconds: Math.round(cap * 1000) };
          return inner.scheduleTask({
            ...task,
            initialDelay,
            fn: async signal => {
              const run = `${process.pid}-${Math.random()
                .toString(36)
                .slice(2, 10)}`;
              send({
                type: 'task',
                id: task.id,
                scope,
                run,
                phase: 'start',
                at: Date.now(),
              });
              let ok = false;
              try {
                await task.fn(signal);
                ok = true;
              } finally {
                send({
                  type: 'task',
                  id: task.id,
                  scope,
                  run,
                  phase: 'end',
                  at: Date.now(),
                  ok,
                });
              }
            },
          });
        },
      };
      return scheduler;
    },
  });
}

/**
 * The catalog calls the plugin makes (entity by ref, entities by filter) over a fixed list. Not
 * catalogServiceMock: its module loads @backstage/backend-test-utils, seconds per start.
 */
function memoryCatalog(entities: Entity[]) {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  const valueAt = (entity: Entity, path: string): unknown[] => {
    let values: unknown[] = [entity];
    for (const key of path.split('.')) {
      values = values.flatMap(v =>
        v && typeof v === 'object' ? [(v as any)[key]].flat() : [],
      );
    }
    return values.filter(v => v !== undefined);
  };
  const matches = (entity: Entity, filter: Record<string, unknown>) =>
    Object.entries(filter).every(([path, wanted]) => {
      const want = [wanted].flat().map(w => String(w).toLowerCase());
      return valueAt(entity, path).some(v =>
        want.includes(String(v).toLowerCase()),
      );
    });
  const catalog = {
    async getEntityByRef(
      ref: string | Parameters<typeof stringifyEntityRef>[0],
    ) {
      try {
        return byRef.get(
          stringifyEntityRef(
            typeof ref === 'string' ? parseEntityRef(ref) : ref,
          ),
        );
      } catch {
        return undefined;
      }
    },
    async getEntities(request?: { filter?: unknown }) {
      const filters = [request?.filter ?? {}].flat() as Array<
        Record<string, unknown>
      >;
      return {
        items: entities.filter(e => filters.some(f => matches(e, f))),
      };
    },
  };
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => catalog as unknown as CatalogService,
  });
}

async function serve(options: BackendProcessOptions) {
  const backend = createBackend();
  backend.add(localBackendConfig({ ...options, subject: 'reliability' }));
  backend.add(recordingScheduler(options));
  // The default root logger first compiles every package's config schema with TypeScript to
  // learn which values to redact (seconds per start); the config here holds no real secret.
  backend.add(
    createServiceFactory({
      service: coreServices.rootLogger,
      deps: {},
      factory: () =>
        WinstonLogger.create({
          meta: { service: 'backstage', pid: process.pid },
          level: process.env.LOG_LEVEL ?? 'warn',
        }),
    }),
  );
  backend.add(memoryCatalog(DEMO_ENTITIES));
  backend.add(azureDevOpsSyncPlugin);
  const loadedAt = Date.now();
  await backend.start();
  send({
    type: 'ready',
    pid: process.pid,
    loadMs: Math.round(performance.now()) - (Date.now() - loadedAt),
    startMs: Date.now() - loadedAt,
    cpuMs: Math.round(
      (process.cpuUsage().user + process.cpuUsage().system) / 1000,
    ),
  });
  process.on('message', async (message: any) => {
    if (message?.type === 'stop') {
      await backend.stop();
      process.exit(0);
    }
  });
}

if (!process.send) {
  process.stderr.write(
    'backendProcess.ts is started by spawnBackend() with an IPC channel\n',
  );
  process.exit(2);
}
process.on('disconnect', () => process.exit(1));
serve(JSON.parse(process.argv[2] ?? '{}')).catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
