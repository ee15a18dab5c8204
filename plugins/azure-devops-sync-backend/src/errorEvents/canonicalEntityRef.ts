import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

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
