import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod/v4';
import { missingIsRequired } from '../api/zodMessages';

const canonicalRefs = new Map<string, string>();

/** `kind:namespace/name`, lower-case: entity refs compare case-insensitively. */
export function canonicalEntityRef(ref: string): string {
  let canonical = canonicalRefs.get(ref);
  if (canonical === undefined) {
    canonical = stringifyEntityRef(
      parseEntityRef(ref.trim()),
    ).toLocaleLowerCase('en-US');
    // A few entities send nearly all events; bound the memo for the rest.
    if (canonicalRefs.size >= 10_000) canonicalRefs.clear();
    canonicalRefs.set(ref, canonical);
  }
  return canonical;
}

/** A request field holding an entity ref, canonical; one that does not parse fails naming why. */
export const entityRefField = z
  .string({ error: missingIsRequired })
  .min(1, 'required')
  .transform((ref, ctx) => {
    try {
      return canonicalEntityRef(ref);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });
