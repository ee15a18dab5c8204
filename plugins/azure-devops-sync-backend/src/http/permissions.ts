import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import { Request } from 'express';

/** The one place routes ask the permission framework. */
export class RouteAuthorizer {
  constructor(
    private readonly httpAuth: HttpAuthService,
    private readonly permissions: PermissionsService,
  ) {}

  credentials(req: Request): Promise<BackstageCredentials> {
    return this.httpAuth.credentials(req, { allow: ['user', 'service'] });
  }

  /** Whether the caller holds the permission. */
  async allowed(req: Request, permission: BasicPermission): Promise<boolean> {
    const credentials = await this.credentials(req);
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Throws 403 unless the caller holds the permission; returns the caller's credentials. */
  async require(
    req: Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await this.credentials(req);
    const [decision] = await this.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `You are not allowed to do this (missing permission ${permission.name})`,
      );
    }
    return credentials;
  }
}

/** The entity ref of a user caller, for "updated by" columns. */
export function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as any;
  return principal?.userEntityRef ?? principal?.subject ?? 'unknown';
}
