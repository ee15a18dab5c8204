import { InputError } from '@backstage/errors';
import { RequestHandler } from 'express';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/**
 * A write whose body is not JSON is refused, instead of reaching a handler as an empty object
 * (express.json leaves other content types unparsed) and being saved as "no change".
 */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const length = req.headers['content-length'];
  const hasBody =
    (length !== undefined && length !== '0') ||
    req.headers['transfer-encoding'] !== undefined;
  if (WITH_BODY.has(req.method) && hasBody && !req.is('application/json')) {
    next(
      new InputError(
        'Send the request body as JSON (Content-Type: application/json)',
      ),
    );
    return;
  }
  next();
};
