/**
 * `GET /organizations/:id/config` through HTTP on a real backend process (the webhook bench's:
 * `createBackend()`, SQLite in a temp dir, a static token), against an emulator: cold (the
 * catalog read from ADO again, `?refresh=true`), warm (cached) and warm with `If-None-Match`.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { sqliteTarget } from './benchDatabases';
import { freePort, startBackend, stopBackend } from './webhookBackend';
import { call } from './webhookDeliveries';

export interface HttpConfigFigures {
  /** Median of the cold runs, ms. */
  coldMs: number;
  coldRequests: number;
  warmP50Ms: number;
  warmP99Ms: number;
  /** With the ETag of the previous answer: 304s. */
  notModifiedP50Ms: number;
  notModifiedStatus: number;
  projects: number;
  covered: number;
  bytes: number;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function timedGet(url: string, token: string, etag?: string) {
  const t0 = performance.now();
  const res = await fetch(url, {
    headers: {
      Authorization: `Bearer ${token}`,
      ...(etag ? { 'If-None-Match': etag } : {}),
    },
  });
  const text = await res.text();
  return {
    ms: performance.now() - t0,
    status: res.status,
    etag: res.headers.get('etag') ?? undefined,
    text,
  };
}

export async function measureConfigOverHttp(options: {
  emulatorUrl: string;
  /** ADO requests the emulator has answered so far. */
  requests: () => number;
  coldRuns: number;
  warmRuns: number;
}): Promise<HttpConfigFigures> {
  const target = await sqliteTarget(tmpdir());
  const port = await freePort();
  const token = randomBytes(24).toString('hex');
  const child = await startBackend({
    port,
    emulatorHost: new URL(options.emulatorUrl).host,
    token,
    database: target.database,
    preparedStatements: false,
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    const org = await call(base, token, 'POST', '/organizations', {
      name: `${options.emulatorUrl}/fabrikam/`,
    });
    const url = `${base}/api/azure-devops-sync/organizations/${org.id}/config`;
    // Untimed: the first answer warms the route and the connection.
    await timedGet(url, token);

    const cold: number[] = [];
    let coldRequests = 0;
    for (let i = 0; i < options.coldRuns; i++) {
      const before = options.requests();
      cold.push((await timedGet(`${url}?refresh=true`, token)).ms);
      coldRequests = options.requests() - before;
    }

    const warm: number[] = [];
    let last = await timedGet(url, token);
    for (let i = 0; i < options.warmRuns; i++) {
      last = await timedGet(url, token);
      warm.push(last.ms);
    }
    const notModified: number[] = [];
    let notModifiedStatus = 0;
    for (let i = 0; i < options.warmRuns; i++) {
      const answer = await timedGet(url, token, last.etag);
      notModified.push(answer.ms);
      notModifiedStatus = answer.status;
    }

    // Projects offered in the form, and those with their own states.
    const mapper = (JSON.parse(last.text).fields as any[]).find(
      f => f.name === 'sync_status_forward',
    );
    const projects: Array<{ value: string }> = mapper.addDropdown.items;
    const covered = projects.filter(
      p => (mapper.projectStates?.[p.value]?.states ?? []).length > 0,
    ).length;
    return {
      coldMs: percentile(cold, 50),
      coldRequests,
      warmP50Ms: percentile(warm, 50),
      warmP99Ms: percentile(warm, 99),
      notModifiedP50Ms: percentile(notModified, 50),
      notModifiedStatus,
      projects: projects.length,
      covered,
      bytes: last.text.length,
    };
  } finally {
    await stopBackend(child);
    await target.cleanup();
  }
}
