/* eslint-disable no-console */
/** One load phase's figures, and the table the webhook bench prints. */
export interface Phase {
  name: string;
  sent: number;
  acked: number;
  accepted: number;
  duplicates: number;
  errors: number;
  seconds: number;
  ackPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  /** The open loop's most delayed send (its own stalls, not the backend's); – for autocannon. */
  sendLateMax?: number;
  applyAfterLoadMs: number;
  /** Backend CPU (user + system) per acknowledged request, load and applying included. */
  cpuMsPerAck: number;
  /** Share of the load's wall time the backend's event loop thread was on a core. */
  mainBusyPct: number;
  /** Share of it that thread was runnable but waiting for a core. */
  mainWaitPct: number;
  /** The backend's longest event loop delay during the load, ms. */
  loopDelayMaxMs: number;
  /** p99 of the time the backend itself took per request during the load, ms. */
  serverP99Ms: number;
}

function pct(value: number): string {
  return Number.isNaN(value) ? '–' : value.toFixed(0);
}

/** The figures as a Markdown table, one row per database and phase. */
export function printPhases(rows: Array<Phase & { database: string }>) {
  console.log(
    '| database | phase | sent | 2xx | accepted | other | seconds | acks/s | p50 ms | p99 ms | server-side p99 ms | max ms | load generator late, max ms | all applied after load (ms) | backend CPU ms/ack | event loop thread busy % | waiting for a core % | event loop delay, max ms |',
  );
  console.log(
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (const r of rows) {
    console.log(
      `| ${r.database} | ${r.name} | ${r.sent} | ${r.acked} | ${r.accepted} | ${
        r.errors + r.duplicates
      } | ${r.seconds.toFixed(1)} | ${Math.round(r.ackPerSecond)} | ${
        r.p50
      } | ${r.p99} | ${r.serverP99Ms.toFixed(1)} | ${r.max} | ${
        r.sendLateMax ?? '–'
      } | ${Math.round(r.applyAfterLoadMs)} | ${r.cpuMsPerAck.toFixed(
        2,
      )} | ${pct(r.mainBusyPct)} | ${pct(r.mainWaitPct)} | ${Math.round(
        r.loopDelayMaxMs,
      )} |`,
    );
  }
}

/**
 * Acks/s of the webhook as a share of the no-op route's (the ceiling), per database and
 * pinning, and the floor's share beside it: the wrk phases come in threes (the webhook, the
 * ceiling, the floor with the same pinning).
 */
export function printRatios(rows: Array<Phase & { database: string }>) {
  const phases = rows.filter(r => r.name.includes('with wrk'));
  if (phases.length === 0) return;
  console.log(
    '\n| database | pinning | webhook acks/s | ceiling req/s | floor acks/s | webhook / ceiling | floor / ceiling | webhook / floor | webhook p99 ms | server-side p99 ms | backend CPU ms/ack | ceiling CPU ms/req | floor CPU ms/ack |',
  );
  console.log(
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  );
  for (let i = 0; i + 2 < phases.length; i += 3) {
    const [hook, ceiling, floor] = phases.slice(i, i + 3);
    const pinning = /\((?:[^,]*, )?(wrk on .*)\)$/.exec(hook.name)?.[1] ?? '';
    const ratio = (a: Phase, b: Phase) =>
      (a.ackPerSecond / b.ackPerSecond).toFixed(2);
    console.log(
      `| ${hook.database} | ${pinning} | ${Math.round(
        hook.ackPerSecond,
      )} | ${Math.round(ceiling.ackPerSecond)} | ${Math.round(
        floor.ackPerSecond,
      )} | **${ratio(hook, ceiling)}** | ${ratio(floor, ceiling)} | ${ratio(
        hook,
        floor,
      )} | ${hook.p99} | ${hook.serverP99Ms.toFixed(
        1,
      )} | ${hook.cpuMsPerAck.toFixed(2)} | ${ceiling.cpuMsPerAck.toFixed(
        2,
      )} | ${floor.cpuMsPerAck.toFixed(2)} |`,
    );
  }
}
