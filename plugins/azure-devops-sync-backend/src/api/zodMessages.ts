import { z } from 'zod/v4';

/** A value's kind as the 400 messages name it (`Expected string, received number`). */
export function receivedType(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'nan';
  return typeof input;
}

const SIZE_WORDING: Record<string, [string, string]> = {
  string: ['String', 'character(s)'],
  array: ['Array', 'element(s)'],
};

const V3_TYPE_NAMES: Record<string, string> = {
  tuple: 'array',
  record: 'object',
};

/**
 * The plugin's wording of zod's messages, for every schema (pass it as `{ error: zodMessages }`
 * to `safeParse`): `Required`, `Expected string, received number`, `Array must contain at most
 * 25 element(s)`, as the API has always answered, since clients see them in 400 answers. Not set
 * with `z.config`: that would change the messages of every plugin in the backend.
 */
export const zodMessages: z.core.$ZodErrorMap = issue => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'Required';
      return `Expected ${
        V3_TYPE_NAMES[issue.expected] ?? issue.expected
      }, received ${receivedType(issue.input)}`;
    case 'invalid_union':
      return 'Invalid input';
    case 'invalid_value': {
      const expected = issue.values.map(v => `'${String(v)}'`).join(' | ');
      return typeof issue.input === 'string'
        ? `Invalid enum value. Expected ${expected}, received '${issue.input}'`
        : `Expected ${expected}, received ${receivedType(issue.input)}`;
    }
    case 'too_small':
    case 'too_big': {
      const wording = SIZE_WORDING[issue.origin];
      if (!wording) return undefined;
      const [noun, what] = wording;
      const bound =
        issue.code === 'too_small'
          ? `at least ${issue.minimum}`
          : `at most ${issue.maximum}`;
      return `${noun} must contain ${bound} ${what}`;
    }
    default:
      return undefined;
  }
};

/** A schema's own message for an absent field (`required`); other issues keep the usual wording. */
export const missingIsRequired = (issue: { input?: unknown }) =>
  issue.input === undefined ? 'required' : undefined;

/**
 * The issue a 400 names. zod 4 reports a union that no option matched as one "Invalid input";
 * when an option matched the body's shape and failed deeper down (a `create` link with an empty
 * project), that deeper problem is what the caller needs to read, as zod 3 reported it.
 */
export function firstIssue(error: z.ZodError): z.core.$ZodIssue {
  const issue = error.issues[0];
  if (issue.code !== 'invalid_union') return issue;
  const deepest = issue.errors
    .map(option => option[0])
    .filter(Boolean)
    .sort((a, b) => b.path.length - a.path.length)[0];
  if (!deepest || deepest.path.length === 0) return issue;
  return { ...deepest, path: [...issue.path, ...deepest.path] };
}
