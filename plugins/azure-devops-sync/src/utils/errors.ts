import { ResponseError } from '@backstage/errors';

/** The HTTP status of a failed backend call, when known. */
export function errorStatus(error: unknown): number | undefined {
  if (error instanceof ResponseError) {
    return error.response.status;
  }
  const status = (error as { response?: { status?: unknown } } | undefined)
    ?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * The message to show a user: the server's own message from Backstage's error
 * body (`{error: {name, message}}`) rather than ResponseError's
 * "Request failed with 400 Bad Request" summary.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof ResponseError) {
    return error.body?.error?.message || error.message;
  }
  const body = (error as { body?: { error?: { message?: string } } })?.body;
  if (body?.error?.message) {
    return body.error.message;
  }
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}
