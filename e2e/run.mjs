/* eslint-disable no-console */
// End-to-end test in real headless Chromium: starts the emulator and the portal exactly as the
// README's start command does (on a throw-away SQLite directory), then drives the entity page.
import { spawn, execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const ROOT = new URL('..', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const EMULATOR = 'http://localhost:7008';

const results = [];
const children = [];

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  console.log('[e2e] installing chromium from Debian packages');
  execSync(
    'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium',
    {
      stdio: 'inherit',
    },
  );
}

function start(name, command, args, env) {
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines = [];
  const keep = chunk => {
    for (const line of chunk.toString().split('\n')) {
      if (line.trim()) lines.push(line);
      if (lines.length > 400) lines.shift();
    }
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  children.push({ name, child, lines });
  return child;
}

function stopAll() {
  for (const { child } of children) {
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
}

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    await sleep(1000);
  }
  throw new Error(
    `Timed out waiting for ${what}${last ? `: ${last.message}` : ''}`,
  );
}

async function guestToken() {
  const res = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
    headers: { 'X-Requested-With': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest refresh ${res.status}`);
  return (await res.json()).backstageIdentity.token;
}

async function api(path, init = {}) {
  const token = await guestToken();
  const res = await fetch(`${BACKEND}/api/azure-devops-sync${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...(init.headers ?? {}),
    },
  });
  const body = await res.json().catch(() => undefined);
  return { status: res.status, body };
}

async function check(name, fn) {
  const started = Date.now();
  try {
    await fn();
    results.push({ name, ok: true });
    console.log(`[e2e] ✓ ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false, error });
    console.log(`[e2e] ✗ ${name}: ${error.stack ?? error}`);
  }
}

async function main() {
  ensureChromium();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'ado-sync-e2e-'));

  // The README's start command, with the database in a temporary directory.
  start('portal', 'npm', ['start'], {
    APP_CONFIG_backend_database_connection_directory: dataDir,
    BROWSER: 'none',
  });

  await waitFor(
    'the emulator',
    async () => (await fetch(`${EMULATOR}/_admin/stats`)).ok,
    120_000,
  );
  await waitFor(
    'the backend',
    async () => (await fetch(`${BACKEND}/api/azure-devops-sync/health`)).ok,
    240_000,
  );
  const organization = await waitFor(
    'the demo organization to be connected with a service hook',
    async () => {
      const { body } = await api('/organizations');
      const org = body?.items?.find(o => o.name === 'fabrikam');
      return org?.subscription?.status === 'enabled' ? org : undefined;
    },
    120_000,
  );
  await waitFor('the app', async () => (await fetch(APP)).ok, 300_000);

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({
    viewport: { width: 1400, height: 1000 },
  });
  const consoleErrors = [];
  page.on('pageerror', error => consoleErrors.push(String(error)));

  try {
    await check('guest signs in and opens a component page', async () => {
      await page.goto(`${APP}/catalog/default/component/payments-api`, {
        waitUntil: 'domcontentloaded',
      });
      const enter = page.getByRole('button', { name: /enter/i });
      // The guest sign-in page comes first; after it the app shows the requested page.
      await enter.waitFor({ timeout: 120_000 });
      await enter.click();
      await page
        .getByRole('heading', { name: 'payments-api' })
        .first()
        .waitFor({ timeout: 120_000 });
    });

    await check(
      'the card shows the organization, its hook health and the five settings',
      async () => {
        await page
          .getByText('Sync Backstage Status to Azure DevOps')
          .waitFor({ timeout: 60_000 });
        for (const label of [
          'Sync Backstage Assignment to Azure DevOps',
          'Sync Backstage Comments to Azure DevOps',
          'Sync Azure DevOps Status to Backstage',
          'Sync Azure DevOps Assignment to Backstage',
        ]) {
          await page.getByText(label).first().waitFor({ timeout: 10_000 });
        }
        await page.getByText('fabrikam').first().waitFor({ timeout: 10_000 });
        await page.screenshot({
          path: join(ARTIFACTS, 'entity-card.png'),
          fullPage: true,
        });
      },
    );

    await check(
      "adding a project mapping offers that project's own states and saves",
      async () => {
        const add = page
          .getByLabel('Add Azure DevOps Project')
          .and(page.locator('input'));
        await add.click();
        await add.fill('Paym');
        await page
          .getByRole('option', { name: 'Payments', exact: true })
          .click();
        // Payments uses the Scrum process: its own states, not the Agile ones.
        const onResolve = page.getByLabel('When resolved: Payments');
        const offered = await onResolve.locator('option').allTextContents();
        if (!offered.includes('Committed') || offered.includes('Active')) {
          throw new Error(
            `unexpected choices for Payments: ${offered.join(', ')}`,
          );
        }
        await onResolve.selectOption('Done');
        await page
          .getByLabel('When unresolved: Payments')
          .selectOption('Committed');
        await page.getByRole('button', { name: /^save/i }).click();
        await waitFor(
          'the saved mapping',
          async () => {
            const { body } = await api(
              `/organizations/${organization.id}/config`,
            );
            const rows = Object.values(body?.values?.sync_status_forward ?? {});
            return rows.some(
              r => r.on_resolve === 'Done' && r.on_unresolve === 'Committed',
            );
          },
          20_000,
        );
        await page.reload();
        // After a reload the stored mapping is what the card shows.
        const unresolveAfter = page.getByLabel('When unresolved: Payments');
        await unresolveAfter.waitFor({ timeout: 60_000 });
        const shown = await unresolveAfter.inputValue();
        if (shown !== 'Committed') throw new Error(`after reload the row shows ${shown}`);
        await page.screenshot({
          path: join(ARTIFACTS, 'entity-card-saved.png'),
          fullPage: true,
        });
      },
    );

    await check(
      'an edit in ADO reaches the backend through the real service hook',
      async () => {
        const before = (await api('/organizations')).body.items.find(
          o => o.id === organization.id,
        ).lastDeliveryAt;
        const edit = await fetch(`${EMULATOR}/_admin/fabrikam/workitems/1`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            as: 'bob@example.com',
            fields: { 'System.State': 'Resolved' },
          }),
        });
        if (!edit.ok)
          throw new Error(
            `emulator edit answered ${edit.status}: ${await edit.text()}`,
          );
        await waitFor(
          'the delivery',
          async () => {
            const org = (await api('/organizations')).body.items.find(
              o => o.id === organization.id,
            );
            return org.lastDeliveryAt && org.lastDeliveryAt !== before;
          },
          30_000,
        );
        const deliveries = await (
          await fetch(`${EMULATOR}/_admin/deliveries`)
        ).json();
        const list = Array.isArray(deliveries)
          ? deliveries
          : deliveries.value ?? [];
        const last = list[list.length - 1];
        if (!last || !(last.statusCode >= 200 && last.statusCode < 300)) {
          throw new Error(
            `last delivery was not accepted: ${JSON.stringify(last)}`,
          );
        }
      },
    );

    await check('the page threw no uncaught errors', async () => {
      if (consoleErrors.length > 0) throw new Error(consoleErrors.join('\n'));
    });
  } finally {
    await page
      .screenshot({ path: join(ARTIFACTS, 'last.png'), fullPage: true })
      .catch(() => {});
    await browser.close();
  }
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.log(`[e2e] setup failed: ${error.stack ?? error}`);
  results.push({ name: 'setup', ok: false, error });
}
const failed = results.filter(r => !r.ok).length;
if (failed > 0) {
  exitCode = 1;
  for (const { name, lines } of children) {
    console.log(
      `\n[e2e] last output of ${name}:\n${lines.slice(-60).join('\n')}`,
    );
  }
}
stopAll();
console.log(`\ne2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(exitCode);
