import type { Request } from 'express';

const AUTH_KEY = /(?:^|[\s,])sentry_key\s*=\s*([^,\s]+)/;

/**
 * The public key an SDK sent: `?sentry_key=` (what @sentry/node and @sentry/browser use) or the
 * `X-Sentry-Auth: Sentry sentry_key=…, …` header.
 */
export function sentryKeyOf(req: Request): string | undefined {
  const query = req.query.sentry_key;
  if (typeof query === 'string' && query) return query;
  const header = req.get('x-sentry-auth');
  const match = header ? AUTH_KEY.exec(header) : null;
  return match?.[1] || undefined;
}

/**
 * The URL with its key cut out: Backstage's request log writes `req.originalUrl` once the
 * answer is sent, and the key must never reach a log.
 */
export function redactSentryKey(url: string): string {
  return url.replace(/([?&]sentry_key=)[^&#]*/g, '$1[REDACTED]');
}
