import { createHash, randomBytes } from 'node:crypto';

/**
 * SHA-256 hex of a public key. Keys are looked up by digest (a Map or an index), so what an
 * SDK presents is never compared with a stored key character by character: a timing
 * difference tells an attacker about the digest, not about any key.
 */
export function keyDigest(publicKey: string): string {
  return createHash('sha256').update(publicKey, 'utf8').digest('hex');
}

/** A new public key: 32 hex digits, the shape Sentry's keys have. */
export function newPublicKey(): string {
  return randomBytes(16).toString('hex');
}

/**
 * What a configured public key must look like (generated ones are 32 hex digits): URL-safe, so
 * it can stand in a DSN's user part and a query string.
 */
export const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
