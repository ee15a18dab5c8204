import { InputError } from '@backstage/errors';
import { z } from 'zod/v4';
import { firstIssue, zodMessages } from '../api/zodMessages';

/** Parses a request part with a zod schema; a failure is a 400 naming the field. */
export function parseInput<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
): z.infer<T> {
  const result = schema.safeParse(value, { error: zodMessages });
  if (!result.success) {
    const issue = firstIssue(result.error);
    const path = issue.path.join('.');
    throw new InputError(
      `Invalid ${what}${path ? ` at ${path}` : ''}: ${issue.message}`,
    );
  }
  return result.data;
}
