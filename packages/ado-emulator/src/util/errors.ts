import { Response } from 'express';

/** The JSON error body ADO returns (`{$id, innerException, message, typeName, typeKey, errorCode, eventId}`). */
export interface AdoErrorBody {
  $id: string;
  customProperties?: Record<string, unknown>;
  innerException: null;
  message: string;
  typeName: string;
  typeKey: string;
  errorCode: number;
  eventId: number;
}

const NAMESPACES: Record<string, string> = {
  ProjectDoesNotExistWithNameException:
    'Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistWithNameException, Microsoft.TeamFoundation.Core.WebApi',
  ProjectDoesNotExistException:
    'Microsoft.TeamFoundation.Core.WebApi.ProjectDoesNotExistException, Microsoft.TeamFoundation.Core.WebApi',
  WorkItemUnauthorizedAccessException:
    'Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemUnauthorizedAccessException, Microsoft.TeamFoundation.WorkItemTracking.Server',
  WorkItemTypeNotFoundException:
    'Microsoft.TeamFoundation.WorkItemTracking.Server.Metadata.WorkItemTypeNotFoundException, Microsoft.TeamFoundation.WorkItemTracking.Server',
  RuleValidationException:
    'Microsoft.TeamFoundation.WorkItemTracking.Server.RuleValidationException, Microsoft.TeamFoundation.WorkItemTracking.Server',
  InvalidPatchOperationException:
    'Microsoft.VisualStudio.Services.WebApi.Patch.InvalidPatchOperationException, Microsoft.VisualStudio.Services.WebApi',
  VssPropertyValidationException:
    'Microsoft.VisualStudio.Services.Common.VssPropertyValidationException, Microsoft.VisualStudio.Services.Common',
  SyntaxException:
    'Microsoft.TeamFoundation.WorkItemTracking.Common.Wiql.SyntaxException, Microsoft.TeamFoundation.WorkItemTracking.Common',
  WorkItemTrackingQueryResultSizeLimitExceededException:
    'Microsoft.TeamFoundation.WorkItemTracking.Server.WorkItemTrackingQueryResultSizeLimitExceededException, Microsoft.TeamFoundation.WorkItemTracking.Server',
  SubscriptionNotFoundException:
    'Microsoft.VisualStudio.Services.ServiceHooks.WebApi.SubscriptionNotFoundException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi',
  ServiceHookException:
    'Microsoft.VisualStudio.Services.ServiceHooks.WebApi.ServiceHookException, Microsoft.VisualStudio.Services.ServiceHooks.WebApi',
  ProcessNotFoundByIdException:
    'Microsoft.TeamFoundation.WorkItemTracking.Server.Metadata.ProcessNotFoundByIdException, Microsoft.TeamFoundation.WorkItemTracking.Server',
  ResourceAreaNotFoundException:
    'Microsoft.VisualStudio.Services.Location.ResourceAreaNotFoundException, Microsoft.VisualStudio.Services.Common',
  ArgumentException: 'System.ArgumentException, mscorlib',
  VssServiceException:
    'Microsoft.VisualStudio.Services.Common.VssServiceException, Microsoft.VisualStudio.Services.Common',
  RequestBlockedException:
    'Microsoft.TeamFoundation.Framework.Server.RequestBlockedException, Microsoft.TeamFoundation.Framework.Server',
};

/** An error a route throws to send an ADO-shaped JSON error. */
export class AdoError extends Error {
  constructor(
    readonly status: number,
    readonly typeKey: string,
    message: string,
    readonly eventId = 3000,
    readonly customProperties?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AdoError';
  }

  body(): AdoErrorBody {
    return adoErrorBody(
      this.typeKey,
      this.message,
      this.eventId,
      this.customProperties,
    );
  }
}

export function adoErrorBody(
  typeKey: string,
  message: string,
  eventId = 3000,
  customProperties?: Record<string, unknown>,
): AdoErrorBody {
  return {
    $id: '1',
    ...(customProperties ? { customProperties } : {}),
    innerException: null,
    message,
    typeName:
      NAMESPACES[typeKey] ??
      `Microsoft.VisualStudio.Services.Common.${typeKey}, Microsoft.VisualStudio.Services.Common`,
    typeKey,
    errorCode: 0,
    eventId,
  };
}

/** Writes an ADO error: JSON with `charset=utf-8` and the `x-tfs-serviceerror` header. */
export function sendAdoError(res: Response, err: AdoError): void {
  res
    .status(err.status)
    .set('x-tfs-serviceerror', encodeURIComponent(err.message))
    .json(err.body());
}

export function projectNotFound(name: string): AdoError {
  return new AdoError(
    404,
    'ProjectDoesNotExistWithNameException',
    `TF200016: The following project does not exist: ${name}. Verify that the name of the project is correct and that the project exists on the specified Azure DevOps Server.`,
  );
}

export function workItemNotFound(id: number | string): AdoError {
  return new AdoError(
    404,
    'WorkItemUnauthorizedAccessException',
    `TF401232: Work item ${id} does not exist, or you do not have permissions to read it.`,
    3200,
  );
}

export interface RuleError {
  field: string;
  flags: string;
  message: string;
}

/** TF401320 RuleValidationException (400), shaped like error-400-rule-validation.json. */
export function ruleValidation(errors: RuleError[]): AdoError {
  const first = errors[0];
  const extra =
    errors.length > 1
      ? ` ${
          errors.length - 1 === 1
            ? 'One additional error'
            : `${errors.length - 1} additional errors`
        } occurred during validation of the work item. Please correct all errors and try again.`
      : '';
  const message = `${first.message}${extra}`;
  return new AdoError(400, 'RuleValidationException', message, 3200, {
    FieldReferenceName: errors.length === 1 ? first.field : null,
    FieldStatusFlags: errors.length === 1 ? first.flags : 'none',
    ErrorMessage: message,
    FieldStatusCode: 0,
    RuleValidationErrors: errors.map(e => ({
      fieldReferenceName: e.field,
      fieldStatusFlags: e.flags,
      errorMessage: e.message,
      fieldStatusCode: 524289,
      ruleValidationErrors: null,
    })),
  });
}
