/** HTTP errors @backstage/errors has no class for; Backstage's error middleware reads `statusCode`. */

export class PayloadTooLargeError extends Error {
  readonly name = 'PayloadTooLargeError';
  readonly statusCode = 413;
}

export class UnsupportedMediaTypeError extends Error {
  readonly name = 'UnsupportedMediaTypeError';
  readonly statusCode = 415;
}

/** 429; the route sets `Retry-After` and `X-Sentry-Rate-Limits` before throwing it. */
export class TooManyRequestsError extends Error {
  readonly name = 'TooManyRequestsError';
  readonly statusCode = 429;
}
