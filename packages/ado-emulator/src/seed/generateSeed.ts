import { EmulatorSeed, SeedProcess, SeedWorkItem } from '../types';
import { stableGuid } from '../util/ids';
import {
  inheritedProcess,
  systemProcess,
  SystemProcessName,
} from './processTemplates';

export interface GenerateSeedOptions {
  /** Number of organizations: `fabrikam`, then `org2`, `org3`, ... (default 1). */
  organizations?: number;
  /** Projects per organization, spread round-robin over the processes. */
  projects: number;
  /** Processes: Agile, Scrum, Basic, then inherited Agile variants with a custom state. */
  processes: number;
  workItemsPerProject?: number;
  /** Users besides the `demo-pat` service account (default 10). */
  users?: number;
}

const SYSTEM: SystemProcessName[] = ['Agile', 'Scrum', 'Basic'];

/** A synthetic seed for benchmarks, e.g. 200 projects over 3 processes in org `fabrikam`. */
export function generateSeed(options: GenerateSeedOptions): EmulatorSeed {
  const orgCount = options.organizations ?? 1;
  const userCount = options.users ?? 10;
  const perProject = options.workItemsPerProject ?? 0;
  const orgNames = Array.from({ length: orgCount }, (_, i) =>
    i === 0 ? 'fabrikam' : `org${i + 1}`,
  );

  const processes: SeedProcess[] = [];
  for (let i = 0; i < Math.max(1, options.processes); i++) {
    if (i < SYSTEM.length) {
      processes.push(systemProcess(SYSTEM[i]));
    } else {
      processes.push(
        inheritedProcess({
          typeId: stableGuid('process', String(i)),
          name: `Custom Agile ${i - SYSTEM.length + 1}`,
          parent: 'Agile',
          customStates: {
            Bug: [
              {
                name: 'Triaged',
                color: '5688E0',
                category: 'Proposed',
                reason: 'Triaged',
              },
            ],
          },
        }),
      );
    }
  }

  const users = Array.from({ length: userCount }, (_, i) => {
    const n = String(i + 1).padStart(3, '0');
    return { displayName: `User ${n}`, email: `user${n}@example.com` };
  });

  return {
    graphPageSize: 100,
    users: [
      {
        displayName: 'Backstage Sync',
        email: 'backstage-sync@example.com',
        kind: 'service',
      },
      ...users,
    ],
    pats: [{ token: 'demo-pat', user: 'backstage-sync@example.com' }],
    tokens: [{ token: 'demo-token', user: 'backstage-sync@example.com' }],
    processes,
    organizations: orgNames.map(name => {
      const projects = Array.from({ length: options.projects }, (_, i) => ({
        name: `Project-${String(i + 1).padStart(3, '0')}`,
        process: processes[i % processes.length].name,
      }));
      const workItems: SeedWorkItem[] = [];
      projects.forEach((p, pi) => {
        const process = processes[pi % processes.length];
        const type = process.workItemTypes[0];
        for (let w = 0; w < perProject; w++) {
          workItems.push({
            project: p.name,
            type: type.name,
            title: `${p.name} item ${w + 1}`,
            state: type.states[w % type.states.length].name,
            assignedTo:
              users.length > 0
                ? users[(pi + w) % users.length].email
                : undefined,
          });
        }
      });
      return {
        name,
        accountId: stableGuid('account', name),
        projects,
        workItems,
      };
    }),
  };
}
