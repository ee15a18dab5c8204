import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time comparison of the `Shared-Secret` header with the stored secret. Both sides are
 * hashed first so neither the length nor the content leaks through timing; empty never matches.
 */
export function sharedSecretMatches(
  received: string | undefined | null,
  expected: string | undefined | null,
): boolean {
  if (!received || !expected) return false;
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
