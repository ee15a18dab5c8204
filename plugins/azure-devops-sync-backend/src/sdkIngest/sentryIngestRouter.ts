import {
  AuthenticationError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { EventsService } from '@backstage/plugin-events-node';
import express from 'express';
import Router from 'express-promise-router';
import type { ErrorEventIngestor } from '../errorEvents/ErrorEventIngestor';
import { EVENT_SAVED_TOPIC } from '../errorEvents/errorEventsRouter';
import type { EntityRateLimiter } from './EntityRateLimiter';
import { TooManyRequestsError } from './httpErrors';
import { EnvelopeError, parseEnvelope } from './parseEnvelope';
import { readSdkBody } from './readSdkBody';
import { eventsOfEnvelope, eventsOfStoreBody, SdkEvents } from './sdkEvents';
import type { SdkKeyService } from './SdkKeyService';
import { redactSentryKey, sentryKeyOf } from './sentryAuth';

export interface SentryIngestRouterOptions {
  sdkKeys: Pick<SdkKeyService, 'resolve'>;
  events: Pick<ErrorEventIngestor, 'save' | 'recordInvalid'>;
  sdkRateLimiter: Pick<EntityRateLimiter, 'take' | 'peek'>;
  /** `azureDevOpsSync.sdkIngest.enabled`: false answers 404. */
  sdkIngestEnabled: boolean;
  eventsService?: EventsService;
}

/** The rate-limited data categories, as SDKs name them (`error` = event items). */
const LIMITED_CATEGORIES = 'error;transaction;span';
const ENVELOPE_PATH = '/sentry/api/:projectId/envelope';

/**
 * Browser SDKs post envelopes from the app's own origin or any other: anyone may send, the key
 * decides. Backstage's CORS middleware has already answered origins it allows (app.baseUrl);
 * this answers the rest, for the envelope route only.
 */
function envelopeCors(
  req: express.Request,
  res: express.Response,
  next: express.NextFunction,
) {
  if (!res.getHeader('access-control-allow-origin')) {
    res.setHeader('Access-Control-Allow-Origin', '*');
  }
  res.setHeader(
    'Access-Control-Expose-Headers',
    'Retry-After, X-Sentry-Rate-Limits',
  );
  if (req.method !== 'OPTIONS') {
    next();
    return;
  }
  res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
  res.setHeader(
    'Access-Control-Allow-Headers',
    req.get('access-control-request-headers') ??
      'Content-Type, Content-Encoding, X-Sentry-Auth',
  );
  res.setHeader('Access-Control-Max-Age', '86400');
  res.status(204).end();
}

function rateLimited(
  res: express.Response,
  retryAfterSeconds: number,
): TooManyRequestsError {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.setHeader(
    'X-Sentry-Rate-Limits',
    `${retryAfterSeconds}:${LIMITED_CATEGORIES}:project`,
  );
  return new TooManyRequestsError(
    `This entity sent more events than its rate allows; retry in ${retryAfterSeconds} s`,
  );
}

/**
 * `POST /sentry/api/:projectId/envelope/` and `POST /sentry/api/:projectId/store/`: what Sentry
 * SDKs send to a DSN. Unauthenticated in Backstage terms; authenticated by the DSN's public key.
 * Events and transactions are saved through the same ingestor as `POST /events`, on the key's
 * entity; other items are acknowledged. Answers as Sentry does: 200 `{id}`.
 */
export function sentryIngestRouter(
  options: SentryIngestRouterOptions,
): express.Router {
  const router = Router();

  // First, before anything can answer (preflights included): the request log reads
  // req.originalUrl once the answer is sent.
  router.use('/sentry', (req, _res, next) => {
    req.originalUrl = redactSentryKey(req.originalUrl);
    next();
  });
  router.use(ENVELOPE_PATH, envelopeCors);

  const ingest =
    (kind: 'envelope' | 'store') =>
    async (req: express.Request, res: express.Response) => {
      if (!options.sdkIngestEnabled) {
        throw new NotFoundError(
          'Sentry SDK ingest is disabled (azureDevOpsSync.sdkIngest.enabled)',
        );
      }
      const presented = sentryKeyOf(req);
      if (!presented) {
        throw new AuthenticationError(
          'Missing sentry_key (in the query string or the X-Sentry-Auth header)',
        );
      }
      const key =
        presented.length <= 256
          ? await options.sdkKeys.resolve(presented)
          : { status: 'unknown' as const };
      if (key.status === 'revoked') {
        throw new NotAllowedError('This SDK key was revoked');
      }
      if (key.status !== 'active' || key.projectId !== req.params.projectId) {
        throw new AuthenticationError('Unknown SDK key for this project');
      }
      const { entityRef } = key;
      // A flooding entity is turned away before its body is read.
      const early = options.sdkRateLimiter.peek(entityRef);
      if (!early.ok) throw rateLimited(res, early.retryAfterSeconds);

      const body = await readSdkBody(req);
      let found: SdkEvents;
      let envelopeEventId: unknown;
      try {
        if (kind === 'envelope') {
          const envelope = parseEnvelope(body);
          envelopeEventId = envelope.header.event_id;
          found = eventsOfEnvelope(envelope, entityRef);
        } else {
          found = eventsOfStoreBody(body, entityRef);
        }
      } catch (error) {
        if (error instanceof EnvelopeError) {
          throw new InputError(`Malformed ${kind}: ${error.message}`);
        }
        throw error;
      }
      if (found.errors.length > 0) {
        await options.events.recordInvalid(
          new Map([[entityRef, found.errors.length + found.events.length]]),
        );
        const more =
          found.errors.length > 1
            ? ` (and ${found.errors.length - 1} more)`
            : '';
        throw new InputError(`${found.errors[0]}${more}`);
      }
      if (found.events.length > 0) {
        const decision = options.sdkRateLimiter.take(
          entityRef,
          found.events.length,
        );
        if (!decision.ok) throw rateLimited(res, decision.retryAfterSeconds);
      }

      const saved = await options.events.save(found.events);
      if (options.eventsService) {
        for (const s of saved.filter(e => e.outcome === 'accepted')) {
          await options.eventsService.publish({
            topic: EVENT_SAVED_TOPIC,
            eventPayload: {
              entityRef: s.entityRef,
              eventId: s.eventId,
              type: s.type,
              issueId: s.issueId,
            },
          });
        }
      }
      const id =
        typeof envelopeEventId === 'string'
          ? envelopeEventId
          : saved[0]?.eventId;
      res.status(200).json(id ? { id } : {});
    };

  router.post(`${ENVELOPE_PATH}/`, ingest('envelope'));
  router.post('/sentry/api/:projectId/store/', ingest('store'));
  return router;
}
