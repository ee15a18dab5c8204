/* eslint-disable no-console */
// End-to-end test in real headless Chromium: starts the emulator and the portal exactly as the
// README's start command does (on a throw-away SQLite directory), then drives the entity page.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';
import { sentryBrowserCheck } from './checks/sentryBrowser.mjs';
import { workItemsCheck } from './checks/workItems.mjs';
import { processGroup } from '../scripts/lib/processes.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const ARTIFACTS = join(ROOT, 'e2e', 'artifacts');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const APP = 'http://localhost:3000';
const BACKEND = 'http://localhost:7007';
const EMULATOR = 'http://localhost:7008';

const results = [];

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

const processes = processGroup();
const { children, stopAll } = processes;
const start = (name, command, args, env) =>
  processes.start(name, command, args, { cwd: ROOT, env });

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

async function emulatorAdmin(path, init = {}) {
  const res = await fetch(`${EMULATOR}/_admin${path}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', ...(init.headers ?? {}) },
  });
  if (!res.ok) {
    throw new Error(
      `emulator ${init.method ?? 'GET'} ${path}: ${
        res.status
      } ${await res.text()}`,
    );
  }
  return res.status === 204 ? undefined : res.json();
}

/** Polls a locator's text every 200 ms until it matches; returns the text. */
async function waitForText(locator, pattern, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await locator.innerText({ timeout: 1000 }).catch(() => '');
    if (pattern.test(text)) return text;
    await sleep(200);
  }
  throw new Error(`Timed out waiting for ${pattern}; last text: "${text}"`);
}

/** The open drawer, from its top to just below its work items. */
async function drawerScreenshot(page, drawer, name) {
  // No hover effects or tooltips from the last click.
  await page.mouse.move(0, 0);
  await sleep(400);
  const paper = page.locator('.MuiDrawer-paper');
  const box = await paper.boundingBox();
  const last = await drawer
    .getByTestId(/^work-item-/)
    .last()
    .boundingBox();
  const bottom = last ? last.y + last.height + 72 : box.y + box.height;
  await page.screenshot({
    path: join(ARTIFACTS, name),
    clip: {
      x: box.x,
      y: box.y,
      width: box.width,
      height: Math.min(bottom, box.y + box.height) - box.y,
    },
  });
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
    await showFailure(results.length);
  }
}

/** The browser page the checks drive, once it is open. */
let currentPage;

/** What the page showed when a check failed: a screenshot, and the open drawer's text. */
async function showFailure(number) {
  if (!currentPage) return;
  const file = `failed-${number}.png`;
  await currentPage
    .screenshot({ path: join(ARTIFACTS, file), fullPage: true })
    .catch(() => {});
  const drawer = await currentPage
    .locator('.MuiDrawer-paper')
    .first()
    .innerText({ timeout: 1000 })
    .catch(() => '');
  console.log(
    `[e2e]   at ${currentPage.url()}; screenshot ${file}${
      drawer ? `; the drawer shows:\n${drawer.slice(0, 1500)}` : ''
    }`,
  );
}

async function main() {
  ensureChromium();
  // A portal already on these ports (a demo, another run) would be driven instead of ours.
  for (const url of [APP, BACKEND, EMULATOR]) {
    const busy = await fetch(url).then(
      () => true,
      () => false,
    );
    if (busy)
      throw new Error(
        `${url} already answers: stop the running portal or emulator first`,
      );
  }
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
  // The catalog reads the demo entities after start-up; the issue API and the pages need them.
  await waitFor(
    'the catalog to hold the demo component',
    async () => {
      const res = await fetch(
        `${BACKEND}/api/catalog/entities/by-name/component/default/payments-api`,
        { headers: { Authorization: `Bearer ${await guestToken()}` } },
      );
      return res.ok;
    },
    180_000,
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
  currentPage = page;
  const consoleErrors = [];
  page.on('pageerror', error => consoleErrors.push(String(error)));
  // Every console error and warning fails the run (React's "Warning: …" are console errors),
  // except these development-mode notices printed by Backstage's own packages, which no app
  // code can change: the catalog's pages (@backstage/plugin-catalog 2.1.0) and the
  // notifications page (@backstage/plugin-notifications 0.6.2) do not render the React Router
  // adapter yet, and @backstage/plugin-app 0.6.0 registers its own default icons in the
  // deprecated form. Requests the run provokes to fail are listed in expectedFailures.
  // Also material-table's "columns … static, but contain functions" (development mode only):
  // Backstage's Table (core-components) builds its columns' filter functions anew on each
  // render, which material-table takes for changed columns; the admin tables' own columns are
  // plain data (see AdminPage/tableStyles.tsx), so it comes and goes with render timing.
  // And Chromium's warning when @backstage/plugin-signals 0.0.37's SignalClient closes its
  // socket because the last subscriber unmounted (a page left) before the socket had connected:
  // it comes with the host's speed, and the client reconnects for the next subscriber.
  const BACKSTAGE_NOTICES = [
    /^WebSocket connection to '[^']*\/api\/signals' failed: WebSocket is closed before the connection is established/,
    /^The columns provided to material table are static, but contain functions which update on every render/,
    /^Extension '(page:catalog\/entity|entity-content:catalog\/[\w-]+|page:notifications)' uses implicit React Router v6 routing/,
    /^The following icons were registered as IconComponent, which is deprecated/,
  ];
  const expectedFailures = [];
  const consoleProblems = [];
  page.on('console', message => {
    const type = message.type();
    if (type !== 'error' && type !== 'warning') return;
    const text = message.text();
    if (BACKSTAGE_NOTICES.some(notice => notice.test(text))) return;
    const url = message.location()?.url ?? '';
    if (
      /^Failed to load resource/.test(text) &&
      expectedFailures.some(pattern => pattern.test(url))
    )
      return;
    consoleProblems.push(
      `[${type}] ${text.split('\n').slice(0, 6).join('\n')}${
        url ? ` (${url})` : ''
      }`,
    );
  });

  try {
    await check(
      'guest signs in at / and lands on the home page, which leads to payments-api',
      async () => {
        await page.goto(`${APP}/`, { waitUntil: 'domcontentloaded' });
        const enter = page.getByRole('button', { name: /enter/i });
        // The guest sign-in page comes first; after it the app shows the requested page.
        await enter.waitFor({ timeout: 120_000 });
        await enter.click();
        const open = page.getByRole('link', { name: 'Open payments-api' });
        await open.waitFor({ timeout: 120_000 });
        if (await page.getByText(/ERROR 404/).count())
          throw new Error('the home page is a 404');
        // The sidebar item of the admin page is not cut.
        const nav = page
          .locator('nav')
          .getByText('Azure DevOps', { exact: true });
        const cut = await nav.evaluate(el => el.scrollWidth > el.clientWidth);
        if (cut) throw new Error('the sidebar label "Azure DevOps" is cut');
        await page.screenshot({ path: join(ARTIFACTS, 'home.png') });
        await open.click();
        await page
          .getByRole('heading', { name: 'payments-api' })
          .first()
          .waitFor({ timeout: 120_000 });
      },
    );

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
        // Whose settings these are, and how the entity picks the organization.
        const scope = await page
          .getByTestId('organization-scope')
          .innerText({ timeout: 10_000 });
        for (const words of [
          'These settings belong to the Azure DevOps organization fabrikam and apply to every entity linked to it',
          'payments-api uses fabrikam because its annotation dev.azure.com/host-org',
        ]) {
          if (!scope.replace(/\s+/g, ' ').includes(words))
            throw new Error(`the card's scope note lacks "${words}": ${scope}`);
        }
        const admin = page
          .getByTestId('organization-scope')
          .getByRole('link', { name: /admin page/ });
        if ((await admin.getAttribute('href')) !== '/azure-devops-sync')
          throw new Error('the scope note does not link to the admin page');
        await page.mouse.move(0, 0);
        const card = page.locator('article, .MuiCard-root', {
          has: page.getByTestId('organization-scope'),
        });
        await card
          .last()
          .screenshot({ path: join(ARTIFACTS, 'entity-card.png') });
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
        // Payments uses the Scrum process: its own states, not the Agile ones, and only its
        // Bug's (the type sync uses), not the Task-only "To Do" and "In Progress".
        const onResolve = page.getByLabel('When resolved: Payments');
        const offered = (await onResolve.locator('option').allTextContents())
          .slice(1)
          .sort();
        const bugStates = ['Approved', 'Committed', 'Done', 'New', 'Removed'];
        if (offered.join() !== bugStates.join()) {
          throw new Error(
            `Payments offers ${offered.join(
              ', ',
            )}, not its Bug states ${bugStates.join(', ')}`,
          );
        }
        await onResolve.selectOption('Done');
        // One state for both sides is refused before saving.
        const onUnresolve = page.getByLabel('When unresolved: Payments');
        await onUnresolve.selectOption('Done');
        await page
          .getByText(
            'Resolving and unresolving both set "Done": pick two different states.',
          )
          .waitFor({ timeout: 10_000 });
        if (await page.getByRole('button', { name: /^save/i }).isEnabled())
          throw new Error('Save is enabled with one state for both sides');
        await onUnresolve.selectOption('Committed');
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
        if (shown !== 'Committed')
          throw new Error(`after reload the row shows ${shown}`);
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

    await check(
      'status and assignee flow both ways between an issue and its work item',
      async () => {
        const emulatorAuth = `Basic ${Buffer.from(':demo-pat').toString(
          'base64',
        )}`;
        const wiql = await fetch(
          `${EMULATOR}/fabrikam/Payments/_apis/wit/wiql?api-version=7.1`,
          {
            method: 'POST',
            headers: {
              Authorization: emulatorAuth,
              'Content-Type': 'application/json',
            },
            body: JSON.stringify({
              query:
                "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = @project AND [System.WorkItemType] = 'Bug' ORDER BY [System.Id]",
            }),
          },
        ).then(r => r.json());
        const workItemId = wiql.workItems[0].id;
        const workItem = () =>
          fetch(
            `${EMULATOR}/fabrikam/_apis/wit/workitems/${workItemId}?api-version=7.1`,
            {
              headers: { Authorization: emulatorAuth },
            },
          ).then(r => r.json());

        const saved = await api('/events', {
          method: 'POST',
          body: JSON.stringify({
            entityRef: 'component:default/payments-api',
            level: 'error',
            exception: {
              values: [
                {
                  type: 'TypeError',
                  value:
                    "Cannot read properties of undefined (reading 'amount')",
                  stacktrace: {
                    frames: [
                      {
                        filename: 'src/charge.ts',
                        module: 'charge',
                        function: 'capture',
                        lineno: 42,
                        in_app: true,
                      },
                    ],
                  },
                },
              ],
            },
          }),
        });
        if (saved.status !== 201)
          throw new Error(
            `POST /events: ${saved.status} ${JSON.stringify(saved.body)}`,
          );
        const issueId = saved.body.items[0].issueId;

        const put = await api(`/organizations/${organization.id}/config`, {
          method: 'PUT',
          body: JSON.stringify({
            sync_status_reverse: true,
            sync_reverse_assignment: true,
            sync_forward_assignment: true,
          }),
        });
        if (put.status !== 200)
          throw new Error(
            `PUT config: ${put.status} ${JSON.stringify(put.body)}`,
          );
        const linked = await api(`/issues/${issueId}/links`, {
          method: 'POST',
          body: JSON.stringify({ organizationId: organization.id, workItemId }),
        });
        if (linked.status !== 201)
          throw new Error(
            `link: ${linked.status} ${JSON.stringify(linked.body)}`,
          );

        // ADO → Backstage: a user closes and reassigns the work item in ADO.
        const edit = await fetch(
          `${EMULATOR}/_admin/fabrikam/workitems/${workItemId}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              as: 'carol@example.com',
              fields: {
                'System.State': 'Done',
                'System.AssignedTo': 'bob@example.com',
              },
            }),
          },
        );
        if (!edit.ok)
          throw new Error(`emulator edit: ${edit.status} ${await edit.text()}`);
        await waitFor(
          'the issue to follow the work item',
          async () => {
            const { body } = await api(`/issues/${issueId}`);
            return (
              body?.status === 'resolved' &&
              body?.assignee === 'user:default/bob'
            );
          },
          30_000,
        );

        // Backstage → ADO: reopening the issue moves the work item to the mapped state.
        const reopened = await api(`/issues/${issueId}`, {
          method: 'PATCH',
          body: JSON.stringify({ status: 'unresolved' }),
        });
        if (reopened.status !== 200)
          throw new Error(
            `PATCH: ${reopened.status} ${JSON.stringify(reopened.body)}`,
          );
        await waitFor(
          'the work item to follow the issue',
          async () => {
            return (await workItem()).fields['System.State'] === 'Committed';
          },
          30_000,
        );
        // Our own write comes back as a delivery: recognised as an echo, not applied again.
        await waitFor(
          'the echo to be recognised',
          async () => {
            const { body } = await api(
              `/organizations/${organization.id}/deliveries?status=skipped`,
            );
            return body?.items?.some(
              d => d.workItemId === workItemId && /Echo/.test(d.outcome ?? ''),
            );
          },
          30_000,
        );
        const activity = await api(`/issues/${issueId}/activity`);
        const kinds = activity.body.items.map(
          a => `${a.type}:${a.source.kind}`,
        );
        for (const expected of [
          'linked:user',
          'set_resolved:azure-devops',
          'assigned:azure-devops',
          'set_unresolved:user',
        ]) {
          if (!kinds.includes(expected))
            throw new Error(`activity lacks ${expected}: ${kinds.join(', ')}`);
        }
      },
    );

    await check(
      'on the issues tab, create a work item and see ADO changes arrive',
      async () => {
        const { body: list } = await api(
          `/issues?entityRef=${encodeURIComponent(
            'component:default/payments-api',
          )}`,
        );
        const issue = list.items[0];
        const linkedBefore = issue.links.map(l => l.workItemId);
        await page.goto(
          `${APP}/catalog/default/component/payments-api/azure-devops-issues`,
          {
            waitUntil: 'domcontentloaded',
          },
        );
        await page
          .getByRole('button', { name: issue.title })
          .first()
          .click({ timeout: 60_000 });
        // The drawer's links still change as the last check's sync settles (a pending
        // link's reason line goes), which can move the button under the pointer between
        // Playwright's check and its click: a click that opened nothing is made again, as a
        // user would, and what it opened instead is said.
        const createButton = page.getByRole('button', {
          name: 'Create work item',
        });
        const title = page.getByLabel('Title');
        for (let attempt = 1; ; attempt++) {
          await createButton.click();
          const shown = await title
            .waitFor({ timeout: 10_000 })
            .then(() => true)
            .catch(() => false);
          if (shown) break;
          const linkFormOpen = await page
            .getByLabel('Search work items')
            .isVisible();
          if (!linkFormOpen && !(await createButton.isVisible())) {
            // The create form opened and is still loading its projects and types.
            await title.waitFor({ timeout: 30_000 });
            break;
          }
          if (attempt === 3)
            throw new Error(
              `Create work item did not open its form after ${attempt} clicks${
                linkFormOpen ? ' (the link form is open instead)' : ''
              }`,
            );
          console.log(
            `[e2e]   click ${attempt} on Create work item opened nothing${
              linkFormOpen ? ' (the link form is open)' : ''
            }; again`,
          );
          if (linkFormOpen)
            await page.getByRole('button', { name: 'Cancel' }).click();
        }
        await page.getByRole('button', { name: 'Create', exact: true }).click();
        const created = await waitFor(
          'the created work item',
          async () => {
            const { body } = await api(`/issues/${issue.id}`);
            return body.links.find(l => !linkedBefore.includes(l.workItemId));
          },
          30_000,
        );

        // In ADO, someone takes it and closes it.
        const edit = await fetch(
          `${EMULATOR}/_admin/fabrikam/workitems/${created.workItemId}`,
          {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify({
              as: 'alice@example.com',
              fields: {
                'System.State': 'Done',
                'System.AssignedTo': 'carol@example.com',
              },
            }),
          },
        );
        if (!edit.ok)
          throw new Error(`emulator edit: ${edit.status} ${await edit.text()}`);
        await waitFor(
          'the issue to follow',
          async () => {
            const { body } = await api(`/issues/${issue.id}`);
            return (
              body.status === 'resolved' &&
              body.assignee === 'user:default/carol'
            );
          },
          30_000,
        );
        // Closed first: the open issue is in the URL and would open again after the reload.
        await page.getByRole('button', { name: 'Close' }).click();
        await page.reload({ waitUntil: 'domcontentloaded' });
        // Resolved issues are behind the status filter.
        await page.getByLabel('Status').selectOption({ label: 'All' });
        const status = page.getByTestId(`issue-status-${issue.id}`);
        await status.waitFor({ timeout: 60_000 });
        if (!/resolved/i.test(await status.innerText())) {
          throw new Error(`status shows ${await status.innerText()}`);
        }
        const assignee = await page
          .getByTestId(`issue-assignee-${issue.id}`)
          .innerText();
        if (!/carol/i.test(assignee))
          throw new Error(`assignee shows ${assignee}`);
        await page.getByRole('button', { name: issue.title }).first().click();
        await page
          .getByText(`#${created.workItemId}`)
          .first()
          .waitFor({ timeout: 30_000 });
        await sleep(500); // the drawer slides in
        await page.screenshot({
          path: join(ARTIFACTS, 'issue-drawer.png'),
          fullPage: true,
        });

        // The work item's link opens its page in the emulator ("Open in Azure DevOps").
        const drawer = page.getByRole('region', { name: issue.title });
        const workItemLink = drawer
          .getByRole('link', { name: new RegExp(`^#${created.workItemId}\\b`) })
          .first();
        const [popup] = await Promise.all([
          page.waitForEvent('popup', { timeout: 30_000 }),
          workItemLink.click(),
        ]);
        await popup.waitForLoadState('domcontentloaded');
        const popupUrl = popup.url();
        if (!/\/fabrikam\/(.+\/)?_workitems\/edit\/\d+/.test(popupUrl))
          throw new Error(`the work item link opened ${popupUrl}`);
        const text = await popup.locator('body').innerText();
        // Not /401/: the page's history times may hold those digits.
        if (
          !text.includes(created.title ?? '') ||
          /\bUnauthorized\b/.test(text)
        )
          throw new Error(
            `the emulator's work item page shows: ${text.slice(0, 300)}`,
          );
        await popup.close();
      },
    );

    await check(
      'a link shows pending, failed, synced, skipped and deleted as they happen; Retry and Unlink',
      async () => {
        const entityRef = 'component:default/payments-api';
        const saved = await api('/events', {
          method: 'POST',
          body: JSON.stringify({
            entityRef,
            level: 'error',
            exception: {
              values: [
                {
                  type: 'RangeError',
                  value: 'Ledger total out of range',
                  stacktrace: {
                    frames: [
                      {
                        filename: 'src/ledger.ts',
                        module: 'ledger',
                        function: 'settle',
                        lineno: 7,
                        in_app: true,
                      },
                    ],
                  },
                },
              ],
            },
          }),
        });
        if (saved.status !== 201)
          throw new Error(`POST /events: ${saved.status}`);
        const issueId = saved.body.items[0].issueId;
        const { body: created } = await api(`/issues/${issueId}`);
        const title = created.title;

        // Payments has a status mapping (Done / Committed, saved above); Mobile has none.
        const bug = await emulatorAdmin('/fabrikam/workitems', {
          method: 'POST',
          body: JSON.stringify({
            project: 'Payments',
            type: 'Bug',
            fields: { 'System.Title': 'Ledger totals drift after settlement' },
          }),
        });
        const mobileBug = await emulatorAdmin('/fabrikam/workitems', {
          method: 'POST',
          body: JSON.stringify({
            project: 'Mobile',
            type: 'Bug',
            fields: { 'System.Title': 'Wallet screen shows a stale total' },
          }),
        });
        const linked = await api(`/issues/${issueId}/links`, {
          method: 'POST',
          body: JSON.stringify({
            organizationId: organization.id,
            workItemId: bug.id,
          }),
        });
        if (linked.status !== 201)
          throw new Error(
            `link: ${linked.status} ${JSON.stringify(linked.body)}`,
          );
        const rawState = async id =>
          (await emulatorAdmin(`/state/fabrikam/workitems/${id}`)).fields[
            'System.State'
          ];

        await page.goto(
          `${APP}/catalog/default/component/payments-api/azure-devops-issues`,
          { waitUntil: 'domcontentloaded' },
        );
        await page
          .getByRole('button', { name: title })
          .first()
          .click({ timeout: 60_000 });
        const drawer = page.getByRole('region', { name: title });
        const syncState = id =>
          drawer.getByTestId(`sync-state-${organization.id}-${id}`);
        const syncReason = id =>
          drawer.getByTestId(`sync-reason-${organization.id}-${id}`);
        await waitForText(syncState(bug.id), /Synced/, 30_000);
        // No reload from here on: every change below has to arrive live.
        await page.evaluate(() => {
          window.__e2eSamePage = true;
        });

        // ADO refuses writes to the work item (reads still work).
        await emulatorAdmin('/method-faults', {
          method: 'POST',
          body: JSON.stringify({
            method: 'PATCH',
            status: 500,
            pathContains: `/workitems/${bug.id}?`,
          }),
        });
        await drawer
          .getByRole('button', { name: 'Resolve', exact: true })
          .click();
        await page
          .getByText(/Issue resolved; sending it to 1 linked work item/)
          .first()
          .waitFor({ timeout: 10_000 });
        await waitForText(syncState(bug.id), /Pending/, 10_000);
        const pendingReason = await waitForText(
          syncReason(bug.id),
          /500.*next try (in \d+|now)/s,
          30_000,
        );
        console.log(`[e2e]   pending: ${pendingReason}`);
        await drawerScreenshot(page, drawer, 'sync-pending.png');

        // Then ADO refuses it for good: the next try fails the change.
        await emulatorAdmin('/method-faults', {
          method: 'POST',
          body: JSON.stringify({
            method: 'PATCH',
            status: 400,
            pathContains: `/workitems/${bug.id}?`,
          }),
        });
        await waitForText(syncState(bug.id), /Failed/, 90_000);
        const failedReason = await waitForText(syncReason(bug.id), /400/);
        console.log(`[e2e]   failed: ${failedReason}`);
        if ((await rawState(bug.id)) === 'Done')
          throw new Error('the refused write reached the work item');
        await drawerScreenshot(page, drawer, 'sync-failed.png');

        // ADO is back; Retry sends the change again.
        await emulatorAdmin('/method-faults', { method: 'DELETE' });
        await drawer
          .getByRole('button', { name: `Retry work item #${bug.id}` })
          .click();
        await waitForText(syncState(bug.id), /Synced/, 30_000);
        await waitFor(
          'the work item to be Done in the emulator',
          async () => (await rawState(bug.id)) === 'Done',
          10_000,
        );
        await drawerScreenshot(page, drawer, 'sync-synced.png');

        // A work item in a project with no status mapping: the change is skipped, with the rule.
        await drawer
          .getByRole('button', { name: 'Link work item', exact: true })
          .click();
        await drawer.getByLabel('Search work items').fill(String(mobileBug.id));
        await drawer
          .getByRole('button', { name: new RegExp(`#${mobileBug.id} `) })
          .click({ timeout: 30_000 });
        await page
          .getByText(`Linked work item #${mobileBug.id}`)
          .first()
          .waitFor({ timeout: 10_000 });
        await drawer
          .getByRole('button', { name: 'Unresolve', exact: true })
          .click();
        await waitForText(syncState(mobileBug.id), /Skipped/, 30_000);
        const skippedReason = await waitForText(
          syncReason(mobileBug.id),
          /mapping/i,
        );
        console.log(`[e2e]   skipped: ${skippedReason}`);
        await waitForText(syncState(bug.id), /Synced/, 30_000);
        await waitFor(
          'the Payments work item to follow the unresolve',
          async () => (await rawState(bug.id)) === 'Committed',
          10_000,
        );
        await drawerScreenshot(page, drawer, 'sync-skipped.png');

        // Deleted in ADO: the open drawer shows it without a reload.
        const deletedAt = Date.now();
        await emulatorAdmin(`/fabrikam/workitems/${mobileBug.id}`, {
          method: 'DELETE',
        });
        await waitForText(
          syncState(mobileBug.id),
          /Deleted in Azure DevOps/,
          30_000,
        );
        console.log(
          `[e2e]   deleted in ADO → shown in the drawer after ${
            Date.now() - deletedAt
          } ms`,
        );
        if (!(await page.evaluate(() => window.__e2eSamePage === true)))
          throw new Error('the page was reloaded');
        await drawerScreenshot(page, drawer, 'sync-deleted.png');

        // Unlink it (with the confirmation); nothing else changes.
        await drawer
          .getByRole('button', { name: `Unlink work item #${mobileBug.id}` })
          .click();
        const dialog = page.getByRole('dialog', {
          name: `Unlink work item #${mobileBug.id}?`,
        });
        await dialog
          .getByRole('button', { name: 'Unlink', exact: true })
          .click();
        await page
          .getByText(`Unlinked work item #${mobileBug.id}`)
          .first()
          .waitFor({ timeout: 10_000 });
        await drawer
          .getByTestId(`work-item-${organization.id}-${mobileBug.id}`)
          .waitFor({ state: 'detached', timeout: 10_000 });
        const { body: after } = await api(`/issues/${issueId}`);
        const left = after.links.map(l => l.workItemId);
        if (left.length !== 1 || left[0] !== bug.id)
          throw new Error(`links after unlink: ${left.join(', ')}`);
        const { body: activity } = await api(`/issues/${issueId}/activity`);
        if (!activity.items.some(a => a.type === 'unlinked'))
          throw new Error('no unlinked activity');

        // The table shows each link's state too.
        await drawer.getByRole('button', { name: 'Close' }).click();
        await page.getByLabel('Status').selectOption({ label: 'All' });
        await page
          .getByTestId(`sync-state-${organization.id}-${bug.id}`)
          .waitFor({ timeout: 30_000 });
        await sleep(500);
        await page.screenshot({
          path: join(ARTIFACTS, 'issues-table.png'),
          fullPage: true,
        });
      },
    );

    // The owners of payments-api (team-payments) are notified of the failed change. The guest
    // sees that only when it signs in as the catalog's user:default/guest, a member of the team
    // (auth.providers.guest.userEntityRef); the guest provider's default is user:development/guest.
    const guestRef = await fetch(`${BACKEND}/api/auth/guest/refresh`, {
      headers: { 'X-Requested-With': 'XMLHttpRequest' },
    })
      .then(r => r.json())
      .then(b => b.backstageIdentity.identity.userEntityRef);
    if (guestRef === 'user:default/guest') {
      await check(
        'the failed change reached the owners as a notification that opens the issue',
        async () => {
          await page.goto(`${APP}/notifications`, {
            waitUntil: 'domcontentloaded',
          });
          const note = page
            .getByText(/^Azure DevOps sync failed: RangeError: Ledger total/)
            .first();
          await note.waitFor({ timeout: 30_000 });
          await sleep(500);
          await page.screenshot({
            path: join(ARTIFACTS, 'notifications.png'),
            fullPage: true,
          });
          await note.click();
          await page
            .getByRole('region', { name: /^RangeError: Ledger total/ })
            .waitFor({ timeout: 30_000 });
          if (!/[?&]issue=/.test(page.url()))
            throw new Error(`the notification led to ${page.url()}`);
        },
      );
    } else {
      console.log(
        `[e2e] - notification check not run: the guest signs in as ${guestRef}, not user:default/guest (a member of the owning team)`,
      );
    }

    await check(
      "the issues tab shows the seeded issues, each with its last 24 hours' sparkline",
      async () => {
        await page.setViewportSize({ width: 1400, height: 1000 });
        await page.goto(
          `${APP}/catalog/default/component/payments-api/azure-devops-issues`,
          { waitUntil: 'domcontentloaded' },
        );
        await page.getByLabel('Status').selectOption({ label: 'All' });
        const table = page.getByRole('table', { name: 'Issues' });
        const sparklines = table.getByRole('img', {
          name: /^\d+ events? in the last 24 hours$/,
        });
        await sparklines.first().waitFor({ timeout: 60_000 });
        // One sparkline a row (read at once: a new issue may arrive meanwhile).
        const perRow = await table
          .locator('tbody tr')
          .evaluateAll(rows =>
            rows.map(
              r => r.querySelectorAll('[data-testid="issue-sparkline"]').length,
            ),
          );
        if (perRow.some(n => n !== 1))
          throw new Error(`sparklines per issue row: ${perRow.join(', ')}`);
        const labels = await sparklines.evaluateAll(els =>
          els.map(el => el.getAttribute('aria-label')),
        );
        // The demo story's errors (and this run's) are recent: some bars are up.
        if (!labels.some(l => !l.startsWith('0 ')))
          throw new Error(`every sparkline is empty: ${labels.join('; ')}`);
        await page.mouse.move(0, 0);
        await sleep(300);
        await page.screenshot({
          path: join(ARTIFACTS, 'issues-tab.png'),
          fullPage: true,
        });
      },
    );

    await check(
      "the Work items tab lists the web shop's Azure Boards items, filters them by type, shows an ADO failure and links to the portal issue; a suggested ADO identity is mapped to a catalog user on the admin page and assignments follow it",
      () =>
        workItemsCheck({
          page,
          APP,
          ARTIFACTS,
          api,
          waitForText,
          emulatorAdmin,
          expectedFailures,
        }),
    );

    await check(
      'the admin page pages, sorts and filters its tables, links issues and work items, and fits 1280 and 1920 px',
      async () => {
        for (const width of [1280, 1920]) {
          await page.setViewportSize({ width, height: 1000 });
          await page.goto(`${APP}/azure-devops-sync`, {
            waitUntil: 'domcontentloaded',
          });
          const deliveries = page.getByTestId('deliveries-table');
          await deliveries
            .getByText(/^1-5 of \d+$/)
            .filter({ visible: true })
            .first()
            .waitFor({ timeout: 60_000 });
          const layout = await page.evaluate(() => {
            // A word split over two lines shows as a range with two boxes.
            const splitWords = [];
            for (const cell of document.querySelectorAll('main th, main td')) {
              const walker = document.createTreeWalker(
                cell,
                NodeFilter.SHOW_TEXT,
              );
              for (
                let node = walker.nextNode();
                node;
                node = walker.nextNode()
              ) {
                const re = /\S+/g;
                for (let m = re.exec(node.data); m; m = re.exec(node.data)) {
                  const range = document.createRange();
                  range.setStart(node, m.index);
                  range.setEnd(node, m.index + m[0].length);
                  if (range.getClientRects().length > 1) splitWords.push(m[0]);
                }
              }
            }
            const nav = document.querySelector('nav');
            const firstCard = document.querySelector(
              'main .MuiCard-root, main .MuiPaper-root',
            );
            return {
              overflow:
                document.documentElement.scrollWidth - window.innerWidth,
              splitWords,
              gap:
                nav && firstCard
                  ? firstCard.getBoundingClientRect().left -
                    nav.getBoundingClientRect().right
                  : undefined,
            };
          });
          if (layout.overflow > 0)
            throw new Error(
              `${width} px: the page overflows by ${layout.overflow} px`,
            );
          if (layout.splitWords.length)
            throw new Error(
              `${width} px: words split across lines: ${layout.splitWords.join(
                ', ',
              )}`,
            );
          if (layout.gap !== undefined && layout.gap < 8)
            throw new Error(
              `${width} px: the content is ${layout.gap} px from the sidebar`,
            );
        }

        // Deliveries: five a page, the next page, sorting by work item.
        const deliveries = page.getByTestId('deliveries-table');
        const workItems = () =>
          deliveries
            .locator('tbody tr td:nth-child(3)')
            .evaluateAll(cells =>
              cells.map(c =>
                Number(c.textContent.replace(/\D+/g, ' ').trim().split(' ')[0]),
              ),
            );
        const total = Number(
          (
            await deliveries
              .getByText(/^1-5 of \d+$/)
              .filter({ visible: true })
              .first()
              .innerText()
          ).split(' of ')[1],
        );
        if ((await workItems()).length !== 5 || total <= 5)
          throw new Error(
            `deliveries page 1 holds ${(await workItems()).length} of ${total}`,
          );
        await deliveries.getByRole('button', { name: /next page/i }).click();
        await deliveries
          .getByText(/^6-\d+ of \d+$/)
          .filter({ visible: true })
          .first()
          .waitFor({ timeout: 10_000 });
        await deliveries.getByRole('button', { name: /first page/i }).click();
        await deliveries
          .getByRole('button', { name: 'Work item', exact: true })
          .click();
        await waitFor(
          'the deliveries sorted by work item',
          async () => {
            const ids = await workItems();
            return ids.every((id, i) => i === 0 || ids[i - 1] <= id);
          },
          10_000,
        );
        const workItemHref = await deliveries
          .locator('tbody tr td:nth-child(3) a')
          .first()
          .getAttribute('href');
        if (
          !/^http:\/\/localhost:7008\/fabrikam\/_workitems\/edit\/\d+$/.test(
            workItemHref,
          )
        )
          throw new Error(`a delivery's work item links to ${workItemHref}`);

        // Filter by status: only applied deliveries remain.
        await deliveries.getByRole('button', { name: 'filter list' }).click();
        await deliveries.getByLabel('Status').getByRole('button').click();
        await page.getByRole('option', { name: /^applied$/ }).click();
        await page.keyboard.press('Escape');
        await waitFor(
          'the status filter',
          async () => {
            const statuses = await deliveries
              .locator('tbody tr td:nth-child(4)')
              .allInnerTexts();
            return (
              statuses.length > 0 && statuses.every(s => s.trim() === 'applied')
            );
          },
          10_000,
        );

        // Jobs: this run's changes, linked to their issue and work item; failed ones filter.
        const jobs = page.getByTestId('jobs-table');
        const issueLink = jobs.locator('tbody tr td:nth-child(2) a').first();
        await issueLink.waitFor({ timeout: 30_000 });
        const issueHref = await issueLink.getAttribute('href');
        if (
          !/^\/catalog\/default\/component\/[\w-]+\/azure-devops-issues\?issue=/.test(
            issueHref,
          )
        )
          throw new Error(`a job's issue links to ${issueHref}`);
        await jobs.getByRole('button', { name: 'filter list' }).click();
        await jobs.getByLabel('Status').getByRole('button').click();
        await page.getByRole('option', { name: /^failed$/ }).click();
        await page.keyboard.press('Escape');
        await waitFor(
          'the failed jobs',
          async () => {
            const statuses = await jobs
              .locator('tbody tr td:nth-child(5)')
              .allInnerTexts();
            return (
              statuses.length > 0 &&
              statuses.every(s => /^failed\b/.test(s.trim()))
            );
          },
          10_000,
        );
        // The open filter panels take room beside the tables, not past the page's edge.
        for (const width of [1920, 1280]) {
          await page.setViewportSize({ width, height: 1000 });
          await sleep(300);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          if (overflow > 0)
            throw new Error(
              `${width} px with the filters open: the page overflows by ${overflow} px`,
            );
        }
        // The panels closed, the filters stay (Filters (1)).
        await deliveries.getByRole('button', { name: 'filter list' }).click();
        await jobs.getByRole('button', { name: 'filter list' }).click();
        await page.mouse.move(0, 0);
        // The whole page in the viewport, so that the fixed sidebar stays in place.
        const height = await page.evaluate(
          () => document.documentElement.scrollHeight,
        );
        await page.setViewportSize({ width: 1280, height });
        await sleep(300);
        await page.screenshot({ path: join(ARTIFACTS, 'admin-page.png') });
        await page.setViewportSize({ width: 1400, height: 1000 });
        await issueLink.click();
        await page.getByRole('region').first().waitFor({ timeout: 30_000 });
      },
    );

    await check(
      'the portal reports its own errors with @sentry/browser: one issue on fabrikam-fiber-web, its count growing; the DSN card creates, copies and revokes',
      () =>
        sentryBrowserCheck({
          page,
          APP,
          api,
          waitForText,
          ARTIFACTS,
          expectedFailures,
        }),
    );

    await check('the page threw no uncaught errors', async () => {
      if (consoleErrors.length > 0) throw new Error(consoleErrors.join('\n'));
    });

    await check(
      'the browser console stayed clean: no React warning, no error, no warning',
      async () => {
        if (consoleProblems.length > 0)
          throw new Error(consoleProblems.join('\n'));
      },
    );
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
// Last, so that a log cut to its tail (CI keeps only the end) still says what failed.
for (const { name, ok, error } of results) {
  if (!ok)
    console.log(`\n[e2e] FAILED: ${name}\n${String(error?.stack ?? error)}`);
}
console.log(`\ne2e: ${results.length - failed} passed, ${failed} failed`);
process.exit(exitCode);
