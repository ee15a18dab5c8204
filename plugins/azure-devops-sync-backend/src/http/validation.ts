import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses a request part with a zod schema; a failure is a 400 naming the field. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.join('.');
    throw new InputError(
      `Invalid ${what}${path ? ` at ${path}` : ''}: ${issue.message}`,
    );
  }
  return result.data;
}
