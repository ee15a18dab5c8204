import { createHash, timingSafeEqual } from 'node:crypto';

/** A secret's SHA-256, as {@link secretMatchesAny} compares it. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/**
 * Constant-time check of the `Shared-Secret` header against the digests of the accepted secrets.
 * Hashing first hides the length; every digest is compared, so the time taken does not tell
 * which one matched. Empty never matches.
 */
export function secretMatchesAny(
  received: string | undefined | null,
  digests: readonly Buffer[],
): boolean {
  if (!received || digests.length === 0) return false;
  const digest = secretDigest(received);
  let match = false;
  for (const expected of digests) {
    match = timingSafeEqual(digest, expected) || match;
  }
  return match;
}
