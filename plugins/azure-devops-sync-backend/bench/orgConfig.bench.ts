/* eslint-disable no-console */
/**
 * Org config benchmark: how long the settings form takes to get every project's states from ADO,
 * against the emulator with added latency, beside the reference algorithm in the same run: in
 * process (the catalog read alone) and through HTTP (`GET /organizations/:id/config` on a real
 * backend process: cold with `?refresh=true`, warm, and warm with `If-None-Match`).
 *
 *   npm run bench:config [-- --latency 50 --sizes 10,50,200 --warm-runs 200 --cold-runs 5]
 */
import { createEmulator, generateSeed } from '@internal/ado-emulator';
import { AdoClient } from '../src/api/AdoClient';
import { buildConfigFields, ProjectCatalog } from '../src/sync/configFields';
import { fetchProjectCatalog } from '../src/service/fetchProjectCatalog';
import { ProjectCatalogService } from '../src/service/ProjectCatalogService';
import { measureConfigOverHttp } from './orgConfigHttp';
import { referenceOrgConfigStates } from './referenceAlgorithm';

function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index > -1 ? process.argv[index + 1] : fallback;
}

const LATENCY_MS = Number(arg('latency', '50'));
const SIZES = arg('sizes', '10,50,200').split(',').map(Number);
const PROCESSES = Number(arg('processes', '3'));
const WARM_RUNS = Number(arg('warm-runs', '200'));
const COLD_RUNS = Number(arg('cold-runs', '5'));
const AUTH = `Basic ${Buffer.from(':demo-pat').toString('base64')}`;

/** The smallest CacheService the catalog service needs: a Map with TTLs. */
function memoryCache() {
  const entries = new Map<string, { value: unknown; expires: number }>();
  const cache: any = {
    async get(key: string) {
      const entry = entries.get(key);
      return entry && entry.expires > Date.now() ? entry.value : undefined;
    },
    async set(key: string, value: unknown, options?: { ttl?: number }) {
      entries.set(key, {
        value,
        expires: Date.now() + (options?.ttl ?? 60_000),
      });
    },
    async delete(key: string) {
      entries.delete(key);
    },
    withOptions: () => cache,
  };
  return cache;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

function covered(catalog: ProjectCatalog): number {
  return catalog.projects.filter(
    p => (catalog.states[p.id]?.states.length ?? 0) > 0,
  ).length;
}

function printTable(title: string, header: string[], rows: string[][]) {
  console.log(`\n${title}\n`);
  const table = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...table.map(r => r[i].length)));
  const line = (r: string[]) =>
    `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map(w => '-'.repeat(w + 2)).join('|')}|`);
  rows.forEach(r => console.log(line(r)));
}

async function run() {
  const rows: string[][] = [];
  const httpRows: string[][] = [];
  for (const size of SIZES) {
    const emulator = createEmulator({
      seed: generateSeed({ projects: size, processes: PROCESSES }),
      latencyMs: LATENCY_MS,
    });
    const running = await emulator.listen(0, '127.0.0.1');
    const client = new AdoClient({
      baseUrl: `${running.url}/fabrikam/`,
      getAuthorization: async () => AUTH,
    });
    const requestsBefore = () => emulator.knobs.requests;
    // Untimed: opens the connection and warms the JIT, so neither side pays for it.
    await client.getProjects();

    // Reference: projects, then states for projects with index <= 5, Bug → Issue → Task, sequential.
    let start = requestsBefore();
    let t0 = performance.now();
    const reference = await referenceOrgConfigStates(client);
    const referenceMs = performance.now() - t0;
    const referenceRequests = requestsBefore() - start;

    // Ours, cold: every project's own states.
    start = requestsBefore();
    t0 = performance.now();
    const catalog = await fetchProjectCatalog(client, { concurrency: 8 });
    const coldMs = performance.now() - t0;
    const coldRequests = requestsBefore() - start;

    // Ours, warm: the cached catalog plus building the form, as GET /config does.
    const service = new ProjectCatalogService({
      clients: { forOrganization: async () => ({ client }) } as any,
      cache: memoryCache(),
      concurrency: 8,
      ttlMs: 300_000,
    });
    await service.get('org');
    const warm: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) {
      const w0 = performance.now();
      const cached = await service.get('org');
      buildConfigFields({ catalog: cached, readOnly: false });
      warm.push(performance.now() - w0);
    }

    rows.push([
      String(size),
      `${referenceMs.toFixed(0)} ms`,
      String(referenceRequests),
      `${reference.projectsCovered}/${reference.projects}`,
      `${coldMs.toFixed(0)} ms`,
      String(coldRequests),
      `${covered(catalog)}/${catalog.projects.length}`,
      `${percentile(warm, 50).toFixed(3)} ms`,
      `${percentile(warm, 99).toFixed(3)} ms`,
      `${(referenceMs / coldMs).toFixed(1)}x`,
    ]);

    const http = await measureConfigOverHttp({
      emulatorUrl: running.url,
      requests: requestsBefore,
      coldRuns: COLD_RUNS,
      warmRuns: WARM_RUNS,
    });
    httpRows.push([
      String(size),
      `${referenceMs.toFixed(0)} ms`,
      `${http.coldMs.toFixed(0)} ms`,
      String(http.coldRequests),
      `${http.covered}/${http.projects}`,
      `${http.warmP50Ms.toFixed(2)} ms`,
      `${http.warmP99Ms.toFixed(2)} ms`,
      `${http.notModifiedP50Ms.toFixed(2)} ms (${http.notModifiedStatus})`,
      `${(http.bytes / 1024).toFixed(0)} KB`,
    ]);
    await running.close();
  }

  printTable(
    `Org config states in process, ${PROCESSES} processes, ${LATENCY_MS} ms emulated ADO latency, ${WARM_RUNS} warm runs`,
    [
      'projects',
      'reference cold',
      'ref requests',
      'ref covered',
      'ours cold',
      'our requests',
      'our covered',
      'ours warm p50',
      'ours warm p99',
      'speed-up',
    ],
    rows,
  );
  printTable(
    `GET /organizations/:id/config through HTTP (real backend, SQLite), cold = median of ${COLD_RUNS} with ?refresh=true, ${WARM_RUNS} warm runs`,
    [
      'projects',
      'reference cold (in process)',
      'cold',
      'ADO requests',
      'covered',
      'warm p50',
      'warm p99',
      'If-None-Match p50',
      'body',
    ],
    httpRows,
  );
}

run().catch(error => {
  console.error(error);
  process.exit(1);
});
