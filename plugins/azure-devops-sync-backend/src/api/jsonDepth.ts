/**
 * How deeply a request body may nest. Real ADO deliveries and Sentry events stay well under
 * 20 levels; far deeper ones only exist to make recursive code (zod, JSON.stringify, the
 * database's JSON functions) overflow its stack, which would surface as a 500 or 503.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests objects/arrays deeper than `maxDepth`. Iterative on purpose. */
export function nestsDeeperThan(
  value: unknown,
  maxDepth: number = MAX_JSON_DEPTH,
): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > maxDepth) return true;
    for (const child of Object.values(current)) {
      if (child !== null && typeof child === 'object') {
        stack.push([child, depth + 1]);
      }
    }
  }
  return false;
}

/** The one wording of the refusal, for every route. */
export function tooDeepMessage(what: string, maxDepth = MAX_JSON_DEPTH) {
  return `${what} nests deeper than ${maxDepth} levels of objects and arrays`;
}
