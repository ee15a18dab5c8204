import {
  AdoApiError,
  AdoInvalidIdentityError,
  AdoTimeoutError,
} from '../api/errors';
import { ProjectCatalogError } from './fetchProjectCatalog';

/** A sentence for an admin saying what failed when talking to ADO. Never includes credentials. */
export function describeAdoError(error: unknown): string {
  const cause = error instanceof ProjectCatalogError ? error.reason : error;
  if (cause instanceof AdoInvalidIdentityError) return cause.message;
  if (cause instanceof AdoApiError) {
    return `Azure DevOps answered HTTP ${cause.status}: ${cause.message}`;
  }
  if (cause instanceof AdoTimeoutError) return cause.message;
  if (cause instanceof TypeError && cause.message === 'fetch failed') {
    const code = (cause as any).cause?.code;
    return `Could not reach Azure DevOps: ${code ?? cause.message}`;
  }
  // Our own errors (InputError, NotAllowedError, …) already say what failed.
  return (cause as Error)?.message ?? String(cause);
}
