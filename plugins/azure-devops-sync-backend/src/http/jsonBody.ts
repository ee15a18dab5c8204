import { InputError } from '@backstage/errors';
import express, { RequestHandler } from 'express';
import { nestsDeeperThan, tooDeepMessage } from '../api/jsonDepth';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Body parsing for the plugin's JSON routes, so every one of them answers bad bodies alike:
 * - a write whose body is not JSON is a 400, instead of reaching a handler as an empty object
 *   (express.json leaves other content types unparsed) and being saved as "no change";
 * - a body over `limit` is a 413, invalid JSON a 400;
 * - JSON nested deeper than MAX_JSON_DEPTH is a 400: recursive code further on (zod, the
 *   database's JSON handling, JSON.stringify) would overflow its stack and answer 500;
 * - anything else the parser throws is a 400 too, never a 500.
 */
export function jsonBody(options: { limit: string }): RequestHandler {
  const parse = express.json({ limit: options.limit });
  return (req, res, next) => {
    if (
      WITH_BODY.has(req.method) &&
      hasBody(req) &&
      !req.is('application/json')
    ) {
      next(
        new InputError(
          'Send the request body as JSON (Content-Type: application/json)',
        ),
      );
      return;
    }
    parse(req, res, (error?: unknown) => {
      if (error) {
        next(clientError(error));
        return;
      }
      if (nestsDeeperThan(req.body)) {
        next(new InputError(tooDeepMessage('The body')));
        return;
      }
      next();
    });
  };
}

function hasBody(req: express.Request): boolean {
  const length = req.headers['content-length'];
  return (
    (length !== undefined && length !== '0') ||
    req.headers['transfer-encoding'] !== undefined
  );
}

/** body-parser's own 4xx errors (400 bad JSON, 413, 415) pass; anything else becomes a 400. */
function clientError(error: unknown): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return error;
  return new InputError(
    `The body is not valid JSON: ${
      error instanceof Error ? error.message : String(error)
    }`,
  );
}
