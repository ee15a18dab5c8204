// Issue 18 in the browser: the demo portal reports its own errors with the real @sentry/browser
// (app.sentry.dsn, a config key of fabrikam-fiber-web), and the entity page's "Sentry SDK DSNs"
// card creates, copies and revokes DSNs.
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const ENTITY_REF = 'component:default/fabrikam-fiber-web';
const ENTITY_PAGE = '/catalog/default/component/fabrikam-fiber-web';
/** The demo's config key (app-config.yaml, azureDevOpsSync.sdkIngest.keys). */
const DEMO_KEY = '5e7d0a6f0c1b4d2e9f3a8b7c6d5e4f30';
const TEST_ERROR = /Test error from the demo portal/;

async function poll(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last) return last;
    await sleep(500);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

async function testErrorIssues(api) {
  const { status, body } = await api(
    `/issues?entityRef=${encodeURIComponent(ENTITY_REF)}`,
  );
  if (status !== 200) throw new Error(`GET /issues answered ${status}`);
  return body.items.filter(i => TEST_ERROR.test(i.title));
}

/** An event as an SDK sends it, in an envelope, straight to a DSN's envelope route. */
async function sendEnvelope(dsn) {
  const url = new URL(dsn);
  const projectId = url.pathname.split('/').pop();
  const path = url.pathname.replace(/\/\d+$/, '');
  const eventId = crypto.randomUUID().replace(/-/g, '');
  const envelope = [
    JSON.stringify({ event_id: eventId, sent_at: new Date().toISOString() }),
    JSON.stringify({ type: 'event' }),
    JSON.stringify({
      event_id: eventId,
      timestamp: Date.now() / 1000,
      level: 'error',
      platform: 'javascript',
      message: 'e2e: an event through a DSN created on the card',
    }),
  ].join('\n');
  const res = await fetch(
    `${url.protocol}//${url.host}${path}/api/${projectId}/envelope/?sentry_key=${url.username}&sentry_version=7`,
    { method: 'POST', body: envelope },
  );
  return res.status;
}

/**
 * @param {object} deps what run.mjs has: the page, the app's URL, the backend API helper,
 *   waitForText, the artifacts directory and expectedFailures (request URLs whose failure the
 *   clean-console check accepts).
 */
export async function sentryBrowserCheck({
  page,
  APP,
  api,
  waitForText,
  ARTIFACTS,
  expectedFailures,
}) {
  const issuesBefore = await testErrorIssues(api);
  const countBefore = issuesBefore[0]?.timesSeen ?? 0;

  // 1. The home page's button captures an Error with the app's own Sentry client: no uncaught
  //    error, so the page's console stays clean; the SDK's request goes to the backend's
  //    envelope route (CORS) with the config key.
  await page.goto(`${APP}/`, { waitUntil: 'domcontentloaded' });
  const card = page.locator('.MuiCard-root', {
    has: page.getByText('Report a test error'),
  });
  const throwButton = card.getByRole('button', { name: 'Throw a test error' });
  await throwButton.waitFor({ timeout: 60_000 });
  const envelopes = [];
  const onResponse = response => {
    if (
      /\/api\/azure-devops-sync\/sentry\/api\/\d+\/envelope\//.test(
        response.url(),
      )
    )
      envelopes.push(response.status());
  };
  page.on('response', onResponse);
  await throwButton.click();
  const sent = await waitForText(
    card.getByRole('status'),
    /Sent \(event \w{8}\)/,
  );
  page.off('response', onResponse);
  if (!envelopes.includes(200))
    throw new Error(
      `the SDK's envelopes answered ${envelopes.join(', ') || 'nothing'}`,
    );

  const first = await poll('the test error to become an issue', async () => {
    const issues = await testErrorIssues(api);
    return issues.length === 1 && issues[0].timesSeen === countBefore + 1
      ? issues[0]
      : undefined;
  });

  // 2. The same error again: one more event of the same issue, not a second issue.
  await throwButton.click();
  await waitForText(
    card.getByRole('status'),
    new RegExp(`Sent \\(event (?!${sent.match(/event (\w{8})/)[1]})\\w{8}\\)`),
  );
  await page.mouse.move(0, 0);
  await card.screenshot({ path: join(ARTIFACTS, 'sentry-home-sent.png') });
  const second = await poll('the second event to be counted', async () => {
    const issues = await testErrorIssues(api);
    if (issues.length > 1)
      throw new Error(`the same error made ${issues.length} issues`);
    return issues[0]?.timesSeen === countBefore + 2 ? issues[0] : undefined;
  });
  if (second.id !== first.id)
    throw new Error('the second error made a new issue');

  // 3. The card's link leads to the issues tab, where the issue shows with its events.
  await card
    .getByRole('link', { name: "See fabrikam-fiber-web's issues" })
    .click();
  const row = page.getByRole('row').filter({ hasText: TEST_ERROR });
  await row.first().waitFor({ timeout: 30_000 });
  if ((await row.count()) !== 1)
    throw new Error(
      `the issues tab shows ${await row.count()} test error rows`,
    );
  await waitForText(row, new RegExp(`\\b${countBefore + 2} events\\b`));
  await page.mouse.move(0, 0);
  await sleep(500);
  await page.screenshot({
    path: join(ARTIFACTS, 'sentry-issue.png'),
    fullPage: true,
  });

  // 4. The entity's DSN card: the config key, copyable, not revocable.
  await page.goto(`${APP}${ENTITY_PAGE}`, { waitUntil: 'domcontentloaded' });
  const dsns = page.locator('.MuiCard-root', {
    has: page.getByText('Sentry SDK DSNs', { exact: true }),
  });
  const configRow = dsns.getByTestId(`sdk-key-${DEMO_KEY}`);
  await configRow.waitFor({ timeout: 60_000 });
  await waitForText(configRow, /app-config/);
  if (await configRow.getByRole('button', { name: /Revoke/ }).count())
    throw new Error('the config key offers Revoke');
  await dsns.scrollIntoViewIfNeeded();
  await sleep(300);
  await dsns.screenshot({ path: join(ARTIFACTS, 'sdk-keys-card.png') });

  // 5. Create a DSN: it is listed (marked new), copyable, and takes an SDK's events.
  await dsns.getByRole('button', { name: 'Create DSN' }).click();
  const created = await waitForText(
    dsns.getByRole('status'),
    /New DSN created \(\w{8}…\)/,
  );
  const short = created.match(/\((\w{8})…\)/)[1];
  const { body: list } = await api(
    `/sdk-keys?entityRef=${encodeURIComponent(ENTITY_REF)}`,
  );
  const key = list.items.find(k => k.publicKey.startsWith(short));
  if (!key || key.source !== 'api')
    throw new Error(`GET /sdk-keys has no API key ${short}…`);
  const newRow = dsns.getByTestId(`sdk-key-${key.publicKey}`);
  await waitForText(
    newRow,
    new RegExp(key.dsn.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')),
  );
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await newRow.getByRole('button', { name: `Copy the DSN ${short}…` }).click();
  await page
    .getByText('DSN copied to the clipboard')
    .waitFor({ timeout: 5_000 });
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  if (copied !== key.dsn)
    throw new Error(`the clipboard holds "${copied}", not the DSN ${key.dsn}`);
  // The copy tooltip closes after a second.
  await page
    .getByText('DSN copied to the clipboard')
    .waitFor({ state: 'hidden', timeout: 5_000 });
  const accepted = await sendEnvelope(key.dsn);
  if (accepted !== 200)
    throw new Error(`an envelope with the new DSN answered ${accepted}`);
  await page.mouse.move(0, 0);
  await sleep(300);
  await dsns.screenshot({ path: join(ARTIFACTS, 'sdk-keys-created.png') });

  // 6. Revoke it, after the confirmation: gone from the card and refused at the route.
  await newRow
    .getByRole('button', { name: `Revoke the DSN ${short}…` })
    .click();
  const dialog = page.getByRole('dialog', {
    name: `Revoke the DSN ${short}…?`,
  });
  await dialog.waitFor({ timeout: 10_000 });
  await sleep(300);
  await page.screenshot({
    path: join(ARTIFACTS, 'sdk-keys-revoke-dialog.png'),
  });
  await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
  await waitForText(
    dsns.getByRole('status'),
    new RegExp(`DSN ${short}… revoked`),
  );
  await newRow.waitFor({ state: 'detached', timeout: 10_000 });
  const refused = await sendEnvelope(key.dsn);
  if (refused !== 401 && refused !== 403)
    throw new Error(`an envelope with the revoked DSN answered ${refused}`);
  await page.mouse.move(0, 0);
  await sleep(300);
  await dsns.screenshot({ path: join(ARTIFACTS, 'sdk-keys-revoked.png') });

  // 7. A failed create shows the server's message in the card. The backend has no natural way
  //    to fail here, so this one answer is played by the browser (its "Failed to load
  //    resource" is expected).
  const createUrl = /\/api\/azure-devops-sync\/sdk-keys$/;
  expectedFailures.push(createUrl);
  await page.route(createUrl, route =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: 500,
          contentType: 'application/json',
          body: JSON.stringify({
            error: { name: 'Error', message: 'database is locked' },
            request: { method: 'POST', url: '/api/azure-devops-sync/sdk-keys' },
            response: { statusCode: 500 },
          }),
        })
      : route.fallback(),
  );
  try {
    await dsns.getByRole('button', { name: 'Create DSN' }).click();
    await waitForText(
      dsns.getByRole('alert'),
      /Could not create a DSN: database is locked/,
    );
  } finally {
    await page.unroute(createUrl);
  }
  await page.mouse.move(0, 0);
  await sleep(300);
  await dsns.screenshot({ path: join(ARTIFACTS, 'sdk-keys-error.png') });
}
