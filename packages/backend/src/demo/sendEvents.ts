/* eslint-disable no-console */
/**
 * `npm run demo:events [-- --count 30] [--entity payments-api] [--backend http://localhost:7007]`:
 * sends sample error events and transactions to the running demo through the sync plugin's
 * `POST /api/azure-devops-sync/events`, as the guest user, and says which issues they hit.
 */
import { DemoSyncApi } from './DemoSyncApi';
import { freshEvents } from './storyEvents';

function arg(name: string): string | undefined {
  const argv = process.argv.slice(2);
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  const inline = argv.find(a => a.startsWith(`--${name}=`));
  return inline?.slice(name.length + 3);
}

async function main() {
  const count = Number(arg('count') ?? 20);
  if (!Number.isInteger(count) || count < 1 || count > 1000) {
    throw new Error('--count must be a whole number from 1 to 1000');
  }
  const entity = arg('entity');
  const entityRef = entity
    ? `${entity.includes(':') ? '' : 'component:default/'}${entity}`
    : undefined;
  const backend =
    arg('backend') ?? process.env.BACKEND_URL ?? 'http://localhost:7007';
  const api = new DemoSyncApi(backend);

  const events = freshEvents(count, { entityRef });
  if (events.length === 0) {
    throw new Error(`No sample events for ${entityRef}`);
  }
  const saved = await api.expect(201, 'POST', '/events', events);
  const perIssue = new Map<string, number>();
  let transactions = 0;
  for (const item of saved.items) {
    if (item.issueId)
      perIssue.set(item.issueId, (perIssue.get(item.issueId) ?? 0) + 1);
    else if (item.type === 'transaction') transactions++;
  }
  console.log(
    `Sent ${events.length} events to ${api.baseUrl}/events: ${
      events.length - transactions
    } errors in ${perIssue.size} issues, ${transactions} transactions`,
  );
  for (const [issueId, n] of perIssue) {
    const { status, body } = await api.call('GET', `/issues/${issueId}`);
    const label =
      status === 200
        ? `${body.title} (${body.entityRef}, ${body.status})`
        : issueId;
    console.log(`  +${n}  ${label}`);
  }
  console.log(
    'Open a component page, e.g. http://localhost:3000/catalog/default/component/payments-api, and its Issues tab.',
  );
}

main().catch(error => {
  console.error(`demo:events failed: ${error.message}`);
  console.error(
    'Is the demo running (npm start)? The backend must answer on http://localhost:7007 (or pass --backend).',
  );
  process.exit(1);
});
