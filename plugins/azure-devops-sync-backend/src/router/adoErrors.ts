import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { ErrorRequestHandler } from 'express';
import {
  AdoApiError,
  AdoInvalidIdentityError,
  AdoTimeoutError,
} from '../api/errors';
import { describeAdoError } from '../service/describeAdoError';

/**
 * Turns errors from talking to ADO into Backstage errors, so the caller gets a 404 or a 503 with a
 * sentence saying what ADO answered instead of a bare 500.
 */
export const translateAdoErrors: ErrorRequestHandler = (
  error,
  _req,
  _res,
  next,
) => {
  if (error instanceof AdoApiError && error.status === 404) {
    next(new NotFoundError(describeAdoError(error)));
  } else if (
    error instanceof AdoApiError ||
    error instanceof AdoInvalidIdentityError ||
    error instanceof AdoTimeoutError
  ) {
    next(new ServiceUnavailableError(describeAdoError(error)));
  } else {
    next(error);
  }
};
