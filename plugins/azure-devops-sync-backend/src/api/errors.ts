/** ADO answered with an error status. `message` is ADO's own message when it sent one. */
export class AdoApiError extends Error {
  readonly name = 'AdoApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly details: {
      typeKey?: string;
      url?: string;
      body?: unknown;
      /** How long ADO asked us to wait (429/503), when it said. */
      retryAfterMs?: number;
    } = {},
  ) {
    super(message);
  }
}

/** The credential was refused (401) or could not be obtained at all. */
export class AdoInvalidIdentityError extends Error {
  readonly name = 'AdoInvalidIdentityError';
}

/** A request did not finish within the client's timeout. */
export class AdoTimeoutError extends Error {
  readonly name = 'AdoTimeoutError';
}

/** One rule error from a TF401320 RuleValidationException. */
export interface AdoRuleValidationError {
  fieldReferenceName: string;
  errorMessage: string;
}

/** The per-field rule errors ADO reports for a rejected work item create or update. */
export function ruleValidationErrors(error: unknown): AdoRuleValidationError[] {
  if (!(error instanceof AdoApiError)) return [];
  const body = error.details.body as any;
  const list = body?.customProperties?.RuleValidationErrors;
  if (!Array.isArray(list)) return [];
  return list
    .filter((e: any) => e && typeof e.fieldReferenceName === 'string')
    .map((e: any) => ({
      fieldReferenceName: e.fieldReferenceName,
      errorMessage: String(e.errorMessage ?? ''),
    }));
}
