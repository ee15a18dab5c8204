import pLimit from 'p-limit';
import { AdoClient } from '../api/AdoClient';
import { AdoApiError } from '../api/errors';
import type { AdoProcess } from '../api/types';
import type { ProjectCatalog } from '../sync/configFields';
import {
  defaultDoneStates,
  statesFromProcessTypes,
  statesFromStateColors,
} from '../sync/workItemStates';

/** Reading ADO failed part way; `partial` holds what was read before. */
export class ProjectCatalogError extends Error {
  readonly name = 'ProjectCatalogError';
  constructor(readonly reason: unknown, readonly partial: ProjectCatalog) {
    super((reason as Error)?.message ?? String(reason));
  }
}

/** ADO Server versions without the process API answer these for `work/processes`. */
function processApiUnavailable(error: unknown): boolean {
  return error instanceof AdoApiError && [400, 404, 405].includes(error.status);
}

/**
 * Every project with its own states. One call lists the processes with their projects; states
 * are read once per process (all its work item types in one call), concurrently with a bound.
 * Projects no process claims fall back to the per-project Bug → Issue → Task calls.
 */
export async function fetchProjectCatalog(
  client: AdoClient,
  options: { concurrency: number },
): Promise<ProjectCatalog> {
  const limit = pLimit(Math.max(1, options.concurrency));
  const [projectList, processes] = await Promise.all([
    client.getProjects(),
    client.getProcessesWithProjects().catch((error): AdoProcess[] => {
      if (processApiUnavailable(error)) return [];
      throw error;
    }),
  ]);
  const catalog: ProjectCatalog = {
    projects: projectList
      .map(p => ({ id: p.id, name: p.name }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    states: {},
  };

  try {
    const processOf = new Map<string, string>();
    for (const process of processes) {
      for (const project of process.projects ?? []) {
        processOf.set(project.id.toLowerCase(), process.typeId);
      }
    }
    const processIds = [
      ...new Set(
        catalog.projects
          .map(p => processOf.get(p.id.toLowerCase()))
          .filter((id): id is string => Boolean(id)),
      ),
    ];
    const statesByProcess = new Map(
      await Promise.all(
        processIds.map(id =>
          limit(async () => {
            const types = await client.getProcessWorkItemTypes(id);
            return [id, statesFromProcessTypes(types)] as const;
          }),
        ),
      ),
    );

    await Promise.all(
      catalog.projects.map(project =>
        limit(async () => {
          const processId = processOf.get(project.id.toLowerCase());
          let states = processId ? statesByProcess.get(processId) : undefined;
          if (!states || states.length === 0) {
            try {
              states = statesFromStateColors(
                (await client.getWorkItemStates(project.id)).states,
              );
            } catch (error) {
              // None of Bug, Issue or Task exists: the project simply offers no states.
              if (!(error instanceof AdoApiError && error.status === 404))
                throw error;
              states = [];
            }
          }
          catalog.states[project.id] = {
            states,
            defaultDoneStates: defaultDoneStates(states),
          };
        }),
      ),
    );
  } catch (error) {
    throw new ProjectCatalogError(error, catalog);
  }
  return catalog;
}
