import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import type { IssueTrendList } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import express from 'express';
import Router from 'express-promise-router';
import pLimit from 'p-limit';
import { z } from 'zod/v4';
import { jsonBody } from '../http/jsonBody';
import { RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';
import type { ErrorEventIngestor } from './ErrorEventIngestor';
import { entityRefField } from './canonicalEntityRef';
import { parseErrorEventBody } from './parseErrorEvents';

/** Topic published for every accepted event. */
export const EVENT_SAVED_TOPIC = 'azure-devops-sync.event-saved';

/** A batch of 1000 events with stack traces fits; more is a 413. */
const BODY_LIMIT = '10mb';
const CATALOG_CONCURRENCY = 8;

export interface ErrorEventsRouterOptions {
  /** Saving (with regressions), invalid counts and stats: {@link ErrorEventIngestor}. */
  events: Pick<
    ErrorEventIngestor,
    'save' | 'recordInvalid' | 'stats' | 'trends'
  >;
  authorizer: RouteAuthorizer;
  catalog: CatalogService;
  eventsService?: EventsService;
}

const statsQuery = z.object({ entityRef: entityRefField });

/** Per request: whether each entity exists, asked once per distinct ref. */
function entityLookup(
  catalog: CatalogService,
  credentials: BackstageCredentials,
) {
  const cache = new Map<string, Promise<boolean>>();
  const limit = pLimit(CATALOG_CONCURRENCY);
  return (ref: string): Promise<boolean> => {
    let found = cache.get(ref);
    if (!found) {
      found = limit(async () =>
        Boolean(await catalog.getEntityByRef(ref, { credentials })),
      );
      cache.set(ref, found);
    }
    return found;
  };
}

/**
 * `POST /events` (one Sentry-style event or an array of them, each with `entityRef`),
 * `GET /events/stats` and `GET /events/trends` (the issues tab's sparklines). Mount it before any JSON parser with a smaller limit.
 */
export function errorEventsRouter(
  options: ErrorEventsRouterOptions,
): express.Router {
  const { events, authorizer, catalog, eventsService } = options;
  const router = Router();

  router.post('/events', jsonBody({ limit: BODY_LIMIT }), async (req, res) => {
    const credentials = await authorizer.credentials(req);
    const {
      events: normalized,
      positions,
      errors,
    } = parseErrorEventBody(req.body);

    // Every event is checked before anything is stored, and only known entities count.
    const exists = entityLookup(catalog, credentials);
    const refs = new Set<string>(normalized.map(e => e.entityRef));
    for (const error of errors) if (error.entityRef) refs.add(error.entityRef);
    const known = new Map<string, boolean>();
    await Promise.all(
      [...refs].map(async ref => known.set(ref, await exists(ref))),
    );
    const label = Array.isArray(req.body) ? 'events' : 'event';
    normalized.forEach((event, i) => {
      if (known.get(event.entityRef)) return;
      const index = positions[i];
      errors.push({
        index,
        message: `${
          label === 'events' ? `events[${index}]` : label
        }.entityRef: no catalog entity ${event.entityRef}`,
      });
    });
    errors.sort((a, b) => a.index - b.index);

    if (errors.length > 0) {
      const invalid = new Map<string, number>();
      const count = (ref: string) =>
        invalid.set(ref, (invalid.get(ref) ?? 0) + 1);
      for (const error of errors) {
        if (error.entityRef && known.get(error.entityRef))
          count(error.entityRef);
      }
      // The valid events of a rejected request are not stored either.
      for (const event of normalized) {
        if (known.get(event.entityRef)) count(event.entityRef);
      }
      await events.recordInvalid(invalid);
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      throw new InputError(`${errors[0].message}${more}`);
    }

    const saved = await events.save(normalized);
    if (eventsService) {
      await Promise.all(
        saved
          .filter(s => s.outcome === 'accepted')
          .map(s =>
            eventsService.publish({
              topic: EVENT_SAVED_TOPIC,
              eventPayload: {
                entityRef: s.entityRef,
                eventId: s.eventId,
                type: s.type,
                issueId: s.issueId,
              },
            }),
          ),
      );
    }
    res.status(201).json({
      items: saved.map(s => ({
        eventId: s.eventId,
        type: s.type,
        ...(s.issueId ? { issueId: s.issueId } : {}),
        outcome: s.outcome,
      })),
    });
  });

  router.get('/events/stats', async (req, res) => {
    await authorizer.credentials(req);
    const { entityRef } = parseInput(statsQuery, req.query, 'query');
    res.json(await events.stats(entityRef));
  });

  router.get('/events/trends', async (req, res) => {
    await authorizer.credentials(req);
    const { entityRef } = parseInput(statsQuery, req.query, 'query');
    const now = new Date();
    const answer: IssueTrendList = {
      items: await events.trends(entityRef, now),
      generatedAt: now.toISOString(),
    };
    res.json(answer);
  });

  return router;
}
