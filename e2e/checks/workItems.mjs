/* eslint-disable no-console */
// The Work items (Azure Boards) tab of issue 19, in the browser: the web shop's work items from
// the emulator, filtered by type; a WIQL failure in ADO shown as an error panel; the link from a
// work item to its portal issue; and the admin page's People section.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const WORK_ITEMS_TAB = 'azure-devops-work-items';

/** The work items table: the one with an "Assigned to" column. */
function workItemsTable(page) {
  return page
    .locator('table')
    .filter({ has: page.getByRole('columnheader', { name: 'Assigned to' }) });
}

/** Each row's title and type (the caption under the title). */
async function rows(page) {
  return workItemsTable(page)
    .locator('tbody tr')
    .evaluateAll(trs =>
      trs
        .map(tr => ({
          id: tr.querySelector('td')?.innerText.trim(),
          type: tr
            .querySelector('[data-testid="work-item-type"]')
            ?.innerText.trim(),
          title: tr
            .querySelector('[data-testid="work-item-type"]')
            ?.previousElementSibling?.innerText.trim(),
        }))
        .filter(row => row.type),
    );
}

/** Polls the rows until `accept` holds; returns them. */
async function waitForRows(page, accept, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last = [];
  while (Date.now() < deadline) {
    last = await rows(page).catch(() => []);
    if (accept(last)) return last;
    await sleep(250);
  }
  throw new Error(
    `Timed out waiting for ${what}; rows: ${JSON.stringify(last.slice(0, 8))}`,
  );
}

async function screenshot(page, ARTIFACTS, name) {
  // No hover effects or tooltips from the last click.
  await page.mouse.move(0, 0);
  await sleep(600);
  await page.screenshot({ path: join(ARTIFACTS, name) });
}

/**
 * Opens the Work items tab of `entity` (a component annotated with dev.azure.com/project),
 * sees its rows, filters them by type, provokes a WIQL failure in the emulator and sees the
 * error panel, follows a work item's link to its portal issue on payments-api, and looks at
 * the admin page's People section.
 */
export async function workItemsCheck({
  page,
  APP,
  ARTIFACTS,
  api,
  waitForText,
  emulatorAdmin,
  expectedFailures,
  entity = 'fabrikam-fiber-web',
}) {
  await page.setViewportSize({ width: 1400, height: 1000 });
  await page.goto(`${APP}/catalog/default/component/${entity}`, {
    waitUntil: 'domcontentloaded',
  });
  // The tab shows on entities with the project annotation. The entity page's tabs are links in
  // this catalog version (tabs in others).
  const tab = page
    .getByRole('link', { name: 'Work items', exact: true })
    .or(page.getByRole('tab', { name: 'Work items', exact: true }))
    .first();
  await tab.waitFor({ timeout: 60_000 }).catch(async error => {
    const links = await page.getByRole('link').allInnerTexts();
    throw new Error(
      `no Work items tab among the links ${JSON.stringify(links)}: ${error}`,
    );
  });
  await tab.click();
  await page.waitForURL(new RegExp(`/${entity}/${WORK_ITEMS_TAB}$`));

  const all = await waitForRows(
    page,
    r => r.length >= 3,
    `at least three work items of ${entity}`,
  );
  const types = new Set(all.map(row => row.type));
  console.log(
    `[e2e]   ${all.length} work items on the first page, types: ${[
      ...types,
    ].join(', ')}`,
  );
  if (types.size < 2)
    throw new Error(`expected varied work item types, saw ${[...types]}`);
  const table = workItemsTable(page);
  // Every row links to ADO, shows a state chip and a type icon.
  const adoLinks = table.getByRole('link', { name: /in Azure DevOps/ });
  if ((await adoLinks.count()) !== all.length)
    throw new Error('not every work item links to Azure DevOps');
  const href = await adoLinks.first().getAttribute('href');
  if (!/\/_workitems\/edit\/\d+$/.test(href ?? ''))
    throw new Error(`the ADO link is ${href}`);
  if ((await table.locator('.MuiChip-root').count()) !== all.length)
    throw new Error('not every work item has a state chip');
  if ((await table.locator('svg[role="img"]').count()) < all.length)
    throw new Error('not every work item has a type icon');
  await screenshot(page, ARTIFACTS, 'work-items.png');

  // Filter by type: the backend answers with that type only.
  const bugsBefore = all.filter(row => row.type === 'Bug').length;
  await page.getByLabel('Type', { exact: true }).selectOption('Bug');
  const bugs = await waitForRows(
    page,
    r => r.length > 0 && r.every(row => row.type === 'Bug'),
    'only bugs',
  );
  if (bugs.length === all.length)
    throw new Error('filtering by Bug did not change the list');
  if (bugsBefore && bugs.length < bugsBefore)
    throw new Error(
      `filtered to ${bugs.length} bugs, the first page alone had ${bugsBefore}`,
    );
  console.log(`[e2e]   filtered by type Bug: ${bugs.length} rows`);
  await screenshot(page, ARTIFACTS, 'work-items-filtered.png');

  // ADO fails the WIQL query: the tab says so in an error panel (a new search, so the backend's
  // short cache of the last answers cannot hide the failure).
  const failing = /\/api\/azure-devops-sync\/work-items/;
  expectedFailures.push(failing);
  try {
    await emulatorAdmin('/method-faults', {
      method: 'POST',
      body: JSON.stringify({
        method: 'POST',
        status: 500,
        pathContains: '/_apis/wit/wiql',
      }),
    });
    await page.getByLabel('Search work items').fill('password reset');
    await waitForText(
      page.getByText(/Could not load the work items/).first(),
      /Could not load the work items/,
      60_000,
    );
    await screenshot(page, ARTIFACTS, 'work-items-error.png');
  } finally {
    await emulatorAdmin('/method-faults', { method: 'DELETE' });
  }
  await page.getByRole('button', { name: 'Refresh work items' }).click();
  await waitForRows(
    page,
    r => r.some(row => /password reset/i.test(row.title)),
    'the bug found by searching "password reset" once ADO is back',
  );
  expectedFailures.splice(expectedFailures.indexOf(failing), 1);

  // A work item linked to a portal issue links to it (payments-api's, linked by the checks before).
  await page.goto(
    `${APP}/catalog/default/component/payments-api/${WORK_ITEMS_TAB}`,
    { waitUntil: 'domcontentloaded' },
  );
  await waitForRows(page, r => r.length > 0, 'payments-api work items');
  const issueLink = workItemsTable(page)
    .getByRole('link', { name: /^Open the issue linked to work item \d+/ })
    .first();
  await issueLink.waitFor({ timeout: 30_000 });
  await issueLink.click();
  await page.waitForURL(/\/payments-api\/azure-devops-issues\?issue=/);
  await page.locator('.MuiDrawer-paper').waitFor({ timeout: 30_000 });

  // The admin page's People section, per organization.
  await page.goto(`${APP}/azure-devops-sync`, {
    waitUntil: 'domcontentloaded',
  });
  const people = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'People: fabrikam' });
  await people.waitFor({ timeout: 60_000 });
  await waitForText(people, /Suggestions/, 30_000);
  await peopleMapping({
    page,
    people,
    ARTIFACTS,
    api,
    emulatorAdmin,
    waitForText,
  });
}

/** Erin's guest-account UPN, which the demo story assigned a Mobile bug to in ADO. */
const ERIN_UPN = 'erin.lee_contoso.com#ext#@fabrikam.onmicrosoft.com';

/**
 * The demo story's suggestion (an ADO identity no catalog user has as e-mail) is mapped in one
 * click to user:default/erin and saved; from then on, ADO assigning the item to that identity
 * assigns the linked issue to Erin.
 */
async function peopleMapping({
  page,
  people,
  ARTIFACTS,
  api,
  emulatorAdmin,
  waitForText,
}) {
  const map = people.getByRole('button', { name: `Map ${ERIN_UPN}` });
  await map.waitFor({ timeout: 30_000 });
  await map.click();
  const picker = people.getByLabel('Catalog user 1');
  await picker.click();
  await picker.fill('Erin');
  await page.getByRole('option', { name: /Erin Lee/ }).click();
  await people.scrollIntoViewIfNeeded();
  await page.mouse.move(0, 0);
  await sleep(400);
  await people.screenshot({ path: join(ARTIFACTS, 'people-section.png') });
  await people.getByRole('button', { name: 'Save mappings' }).click();
  await waitForText(people, /Saved the people mappings of fabrikam/, 30_000);
  await waitForText(people, /None so far: they appear when/, 30_000);
  await people.screenshot({ path: join(ARTIFACTS, 'people-saved.png') });

  // ADO gives the bug to Bob, then back to Erin's UPN: the linked issue goes to Erin.
  const mobile = await api(
    `/issues?entityRef=${encodeURIComponent('component:default/mobile-app')}`,
  );
  const linked = mobile.body.items.find(i =>
    i.links.some(l => l.workItemId === 8),
  );
  if (!linked) throw new Error('no mobile-app issue is linked to work item 8');
  for (const as of ['bob@example.com', ERIN_UPN]) {
    await emulatorAdmin('/fabrikam/workitems/8', {
      method: 'POST',
      body: JSON.stringify({ as, fields: { 'System.AssignedTo': as } }),
    });
  }
  const deadline = Date.now() + 30_000;
  for (;;) {
    const issue = await api(`/issues/${linked.id}`);
    if (issue.body.assignee === 'user:default/erin') break;
    if (Date.now() > deadline) {
      throw new Error(
        `the issue's assignee is ${issue.body.assignee}, not user:default/erin`,
      );
    }
    await sleep(300);
  }
  console.log("[e2e]   Erin's ADO identity mapped: the linked issue is hers");
}
