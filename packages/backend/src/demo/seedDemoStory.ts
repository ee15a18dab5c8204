import { setTimeout as sleep } from 'node:timers/promises';
import { DemoSyncApi } from './DemoSyncApi';
import {
  MOBILE,
  PAYMENTS,
  storyEventId,
  storyEvents,
  WEB,
} from './storyEvents';

const STORY_ENTITIES = [PAYMENTS, WEB, MOBILE];

/** Issues of the story linked to the demo organization's seeded work items. */
export const STORY_LINKS: Array<{ key: string; workItemId: number }> = [
  { key: 'sepa-unsupported', workItemId: 6 }, // Payments PBI, Approved
  { key: 'reset-token', workItemId: 1 }, // Fabrikam-Fiber Bug, Active
  { key: 'duplicate-rows', workItemId: 2 }, // Fabrikam-Fiber Bug, New
  { key: 'cart-lost', workItemId: 3 }, // Fabrikam-Fiber User Story, Resolved (below)
  { key: 'name-format', workItemId: 8 }, // Mobile Bug, New
];

/**
 * Then people act in ADO (the emulator's admin route, as those users): the changes come back
 * through the real service hooks. The last state of each item is the one the emulator's seed
 * has, so the story still holds after the emulator restarts.
 */
export const STORY_ADO_EDITS: Array<{
  workItemId: number;
  as: string;
  fields: Record<string, string>;
}> = [
  {
    workItemId: 2,
    as: 'carol@example.com',
    fields: {
      'System.AssignedTo': 'carol@example.com',
      'System.History':
        'Taking this one: the order list repeats the last row of a page when two orders share a timestamp.',
    },
  },
  {
    // Erin is a guest in ADO, known there by her guest account's UPN, which no catalog user has
    // as e-mail: the issue keeps its assignee, and the UPN shows up as a suggestion in the admin
    // page's People section, to be mapped to user:default/erin. (An emulator restart gives the
    // item back to Bob, as its seed has it; nothing else changes.)
    workItemId: 8,
    as: 'erin.lee_contoso.com#EXT#@fabrikam.onmicrosoft.com',
    fields: {
      'System.AssignedTo': 'erin.lee_contoso.com#EXT#@fabrikam.onmicrosoft.com',
      'System.History': "Mine: names with an apostrophe break the greeting's formatter.",
    },
  },
  {
    workItemId: 3,
    as: 'alice@example.com',
    fields: {
      'System.State': 'Active',
      'System.History':
        'Reopened: customers still lose their saved cart after signing in (see the linked Backstage issue).',
    },
  },
  {
    workItemId: 3,
    as: 'bob@example.com',
    fields: {
      'System.State': 'Resolved',
      'System.History':
        'Fixed in fabrikam-fiber-web 2.14.0: the saved cart is merged into the session cart on sign-in.',
    },
  },
];

export interface SeedOptions {
  backendUrl: string;
  /** The emulator organization the story links to. */
  organization: string;
  log: (message: string) => void;
  /** How long to wait for the backend, the organization's hooks and the catalog. */
  timeoutMs?: number;
  now?: number;
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `gave up waiting for ${what}${
          last ? ` (${(last as Error).message})` : ''
        }`,
      );
    }
    await sleep(2000);
  }
}

/**
 * Unless the story's components already have issues, saves the story's events through
 * `POST /events` and, when any of them was new, turns on ADO → Backstage status and assignment sync, links issues to work items and
 * replays a few edits in ADO. Events have fixed ids, so a restart saves nothing twice and
 * changes nothing. Returns whether it seeded.
 */
export async function seedDemoStory(options: SeedOptions): Promise<boolean> {
  const { log } = options;
  const timeoutMs = options.timeoutMs ?? 180_000;
  const api = new DemoSyncApi(options.backendUrl);

  await waitFor(
    'the sync plugin',
    async () => ((await fetch(`${api.baseUrl}/health`)).ok ? true : undefined),
    timeoutMs,
  );
  const organization = await waitFor(
    `organization ${options.organization} to be connected with its service hooks`,
    async () => {
      const { items } = await api.expect(200, 'GET', '/organizations');
      const org = items?.find(
        (o: any) => o.name.toLowerCase() === options.organization.toLowerCase(),
      );
      return org?.status === 'active' && org.subscription?.status === 'enabled'
        ? (org as { id: string; domainName: string })
        : undefined;
    },
    timeoutMs,
  );

  // Once there are issues for the story's components (a restart, or events a user sent), leave
  // them be: saving the story again would only count its events as duplicates.
  for (const entityRef of STORY_ENTITIES) {
    const { items } = await api.expect(
      200,
      'GET',
      `/issues?entityRef=${encodeURIComponent(entityRef)}`,
    );
    if (items?.length > 0) {
      log(
        `Demo story already in place (${entityRef} has issues); set AZURE_DEVOPS_SYNC_DEMO_SEED=0 to skip this check`,
      );
      return false;
    }
  }

  const events = storyEvents(options.now ?? Date.now());
  // Catalog entities appear a few seconds after start: until then the route says which is missing.
  const saved = await waitFor(
    'the demo components in the catalog',
    async () => {
      const res = await api.call('POST', '/events', events);
      if (res.status === 201) return res.body;
      if (
        res.status === 400 &&
        /no catalog entity/.test(res.body?.error?.message)
      ) {
        return undefined;
      }
      throw new Error(
        `POST /events answered HTTP ${res.status}: ${JSON.stringify(res.body)}`,
      );
    },
    timeoutMs,
  );
  const items: Array<{ eventId: string; issueId?: string; outcome: string }> =
    saved.items;
  const accepted = items.filter(i => i.outcome === 'accepted').length;
  if (accepted === 0) {
    log(
      `Demo story already in place (${events.length} sample events saved before); set AZURE_DEVOPS_SYNC_DEMO_SEED=0 to skip this check`,
    );
    return false;
  }

  await api.expect(200, 'PUT', `/organizations/${organization.id}/config`, {
    sync_status_reverse: true,
    sync_reverse_assignment: true,
  });
  const issueOf = new Map(items.map(i => [i.eventId, i.issueId]));
  for (const link of STORY_LINKS) {
    const issueId = issueOf.get(storyEventId(link.key));
    if (!issueId) continue;
    await api.expect([200, 201], 'POST', `/issues/${issueId}/links`, {
      organizationId: organization.id,
      workItemId: link.workItemId,
    });
  }

  const emulator = new URL(organization.domainName).origin;
  for (const edit of STORY_ADO_EDITS) {
    const res = await fetch(
      `${emulator}/_admin/${encodeURIComponent(
        options.organization,
      )}/workitems/${edit.workItemId}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ as: edit.as, fields: edit.fields }),
      },
    );
    if (!res.ok) {
      throw new Error(
        `the emulator's admin route answered HTTP ${res.status} for work item ${edit.workItemId}`,
      );
    }
  }

  const issues = new Set(items.map(i => i.issueId).filter(Boolean)).size;
  log(
    `Demo story saved: ${accepted} sample error events and transactions of payments-api, fabrikam-fiber-web and mobile-app (${issues} issues, ${STORY_LINKS.length} linked to ${options.organization} work items); send more with npm run demo:events`,
  );
  return true;
}
