import { InputError } from '@backstage/errors';

/**
 * How deeply a request body may nest. Real ADO deliveries and Sentry events stay well under
 * 20 levels; far deeper ones only exist to make recursive code (ours, zod's, the database's
 * JSON functions) overflow its stack, which would surface as a 500 or 503.
 */
export const MAX_JSON_DEPTH = 64;

/** Throws a 400 when `value` nests objects/arrays deeper than `maxDepth`. Iterative on purpose. */
export function assertJsonDepth(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) {
      throw new InputError(
        `The body nests deeper than ${maxDepth} levels of objects and arrays`,
      );
    }
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') {
        stack.push([child, depth + 1]);
      }
    }
  }
}
