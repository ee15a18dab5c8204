/**
 * wrk as the webhook bench's load generator (`--generator wrk`): a C tool that costs the host
 * far less CPU per request than autocannon in Node, pinned with taskset to one core while the
 * backend is pinned to the other. Deliveries are made by `webhookWrk.lua`.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { OpenLoopResult } from './openLoop';

const run = promisify(execFile);

/** The sentinels webhookWrk.lua replaces in the template. */
export const WRK_WORK_ITEM = 1111111111;
export const WRK_REVISION = 2122222222;

export function wrkAvailable(): boolean {
  return (
    spawnSync('wrk', ['--version']).error === undefined &&
    spawnSync('taskset', ['--version']).error === undefined
  );
}

/** Pins every thread of a process to one core (or back to all with `cpus` "0-N"). */
export async function pinProcess(pid: number, cpus: string): Promise<void> {
  await run('taskset', ['-a', '-cp', cpus, String(pid)]);
}

/** "5.12ms", "812.00us", "1.02s" → ms. */
function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return NaN;
  const value = Number(match[1]);
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[
    match[2] as 'us' | 'ms' | 's' | 'm'
  ];
}

/** What wrk printed, as the bench's phases read it. */
export function parseWrkOutput(output: string): OpenLoopResult {
  const number = (pattern: RegExp) => Number(pattern.exec(output)?.[1] ?? 0);
  const latency = (percent: string) =>
    toMs(new RegExp(`^\\s*${percent}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  const sent = number(/(\d+) requests in/);
  const failed =
    number(/Non-2xx or 3xx responses: (\d+)/) +
    (/Socket errors: (.*)/.exec(output)?.[1] ?? '')
      .split(',')
      .map(part => Number(/(\d+)/.exec(part)?.[1] ?? 0))
      .reduce((a, b) => a + b, 0);
  const seconds =
    toMs(/requests in ([\d.]+\w+),/.exec(output)?.[1] ?? '') / 1000;
  return {
    sent,
    ok2xx: sent - failed,
    failed,
    seconds,
    p50: latency('50'),
    p99: latency('99'),
    max: toMs(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(output)?.[1] ?? ''),
  };
}

export async function wrkSaturation(options: {
  url: string;
  /** A delivery with the sentinel work item id and revision. */
  template: string;
  secret: string;
  /** Added to every revision: phases of one run never repeat a delivery. */
  revisionBase: number;
  linked: number[];
  linkedShare: number;
  connections: number;
  seconds: number;
  /** The core wrk runs on. */
  cpu: number;
}): Promise<OpenLoopResult> {
  const dir = mkdtempSync(join(tmpdir(), 'webhook-wrk-'));
  try {
    const templateFile = join(dir, 'delivery.json');
    writeFileSync(templateFile, options.template);
    const { stdout } = await run(
      'taskset',
      [
        '-c',
        String(options.cpu),
        'wrk',
        '-t1',
        `-c${options.connections}`,
        `-d${options.seconds}s`,
        '--latency',
        '-s',
        join(__dirname, 'webhookWrk.lua'),
        options.url,
        '--',
        templateFile,
        options.secret,
        String(options.revisionBase),
        options.linked.length > 0 ? options.linked.join(',') : '-',
        String(options.linkedShare),
      ],
      { maxBuffer: 1024 * 1024 },
    );
    return parseWrkOutput(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
