// The plugin's own check of POST /events bodies, so the sample data cannot drift from it.
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { parseErrorEventBody } from '../../../../plugins/azure-devops-sync-backend/src/errorEvents/parseErrorEvents';
import { demoSeedDisabledByEnv } from './demoStoryPlugin';
import { STORY_LINKS } from './seedDemoStory';
import {
  freshEvents,
  STORY_ERRORS,
  storyEventId,
  storyEvents,
} from './storyEvents';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const DAY = 86_400_000;

describe('demo story events', () => {
  it('are valid POST /events bodies, dated within the last two weeks and not in the last minutes', () => {
    const events = storyEvents(NOW);
    const { events: parsed, errors } = parseErrorEventBody(
      events,
      new Date(NOW),
    );
    expect(errors).toEqual([]);
    expect(parsed).toHaveLength(events.length);
    for (const e of parsed) {
      const at = Date.parse(e.timestamp);
      expect(at).toBeLessThanOrEqual(NOW - 4 * 60_000);
      expect(at).toBeGreaterThan(NOW - 15 * DAY);
    }
    expect(new Set(parsed.map(e => e.entityRef))).toEqual(
      new Set([
        'component:default/payments-api',
        'component:default/fabrikam-fiber-web',
        'component:default/mobile-app',
      ]),
    );
    expect(parsed.some(e => e.type === 'transaction')).toBe(true);
  });

  it('have the same ids on every start, so saving them again adds nothing', () => {
    const first = storyEvents(NOW).map(e => e.event_id);
    const later = storyEvents(NOW + 3 * DAY).map(e => e.event_id);
    expect(later).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    for (const link of STORY_LINKS) {
      expect(first).toContain(storyEventId(link.key));
    }
  });

  it('leave a fixed bug quiet lately and put part of a spike in the last day', () => {
    const events = storyEvents(NOW);
    const times = (key: string) => {
      const kind = STORY_ERRORS.find(k => k.key === key)!;
      return events
        .filter(
          e =>
            e.entityRef === kind.entityRef &&
            (e.exception as any)?.values?.[0]?.type === kind.type,
        )
        .map(e => Date.parse(String(e.timestamp)));
    };
    expect(Math.max(...times('cart-lost'))).toBeLessThan(NOW - 5 * DAY);
    expect(times('gateway-timeout').some(t => t > NOW - DAY)).toBe(true);
  });

  it('fresh ones are new, recent and valid, optionally for one component', () => {
    const events = freshEvents(12, {
      entityRef: 'component:default/mobile-app',
      now: NOW,
    });
    const { events: parsed, errors } = parseErrorEventBody(
      events,
      new Date(NOW),
    );
    expect(errors).toEqual([]);
    expect(parsed).toHaveLength(12);
    expect(new Set(parsed.map(e => e.entityRef))).toEqual(
      new Set(['component:default/mobile-app']),
    );
    expect(parsed.every(e => Date.parse(e.timestamp) > NOW - 11 * 60_000)).toBe(
      true,
    );
    const seeded = new Set(storyEvents(NOW).map(e => e.event_id));
    expect(events.some(e => seeded.has(e.event_id))).toBe(false);
  });

  it('AZURE_DEVOPS_SYNC_DEMO_SEED=0 or false turns the story off', () => {
    expect(demoSeedDisabledByEnv({ AZURE_DEVOPS_SYNC_DEMO_SEED: '0' })).toBe(
      true,
    );
    expect(
      demoSeedDisabledByEnv({ AZURE_DEVOPS_SYNC_DEMO_SEED: 'false' }),
    ).toBe(true);
    expect(demoSeedDisabledByEnv({ AZURE_DEVOPS_SYNC_DEMO_SEED: '1' })).toBe(
      false,
    );
    expect(demoSeedDisabledByEnv({})).toBe(false);
  });
});
