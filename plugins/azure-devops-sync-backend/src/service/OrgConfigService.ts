import { LoggerService } from '@backstage/backend-plugin-api';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  OrganizationConfig,
  OrganizationConfigValues,
} from '@internal/plugin-azure-devops-sync-common';
import { OrganizationStore } from '../database/OrganizationStore';
import { OrgConfigStore } from '../database/OrgConfigStore';
import { buildConfigFields, ProjectCatalog } from '../sync/configFields';
import {
  checkConfigUpdate,
  configUpdateSchema,
  needsCatalog,
} from '../sync/configUpdate';
import { describeAdoError } from './describeAdoError';
import { ProjectCatalogError } from './fetchProjectCatalog';
import { ProjectCatalogService } from './ProjectCatalogService';

export const FEATURE_DISABLED_REASON =
  'Issue sync is turned off for this portal (azureDevOpsSync.issueSync.enabled is false)';

/** `get_organization_config` and `update_organization_config`. */
export class OrgConfigService {
  constructor(
    private readonly deps: {
      organizations: OrganizationStore;
      configs: OrgConfigStore;
      catalogs: ProjectCatalogService;
      issueSyncEnabled: boolean;
      logger: LoggerService;
    },
  ) {}

  async get(
    organizationId: string,
    options: { refresh?: boolean; canUpdate: boolean },
  ): Promise<OrganizationConfig> {
    await this.requireOrganization(organizationId);
    const values = await this.deps.configs.get(organizationId);
    let catalog: ProjectCatalog = { projects: [], states: {} };
    let adoError: string | undefined;
    try {
      catalog = await this.deps.catalogs.get(organizationId, options);
    } catch (error) {
      if (error instanceof ProjectCatalogError) catalog = error.partial;
      adoError = describeAdoError(error);
      this.deps.logger.warn(
        `Could not read projects and states of organization ${organizationId}: ${adoError}`,
      );
    }
    return {
      organizationId,
      fields: buildConfigFields({
        catalog,
        adoError,
        featureDisabledReason: this.deps.issueSyncEnabled
          ? undefined
          : FEATURE_DISABLED_REASON,
        readOnly: !options.canUpdate,
      }),
      values,
      canUpdate: options.canUpdate,
    };
  }

  async update(
    organizationId: string,
    body: unknown,
    options: { updatedBy?: string },
  ): Promise<OrganizationConfigValues> {
    await this.requireOrganization(organizationId);
    if (!this.deps.issueSyncEnabled)
      throw new InputError(FEATURE_DISABLED_REASON);
    const parsed = configUpdateSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const path = issue.path.join('.');
      throw new InputError(
        `Invalid config${path ? ` at ${path}` : ''}: ${issue.message}`,
      );
    }

    let result = checkConfigUpdate(parsed.data, undefined);
    if (result.ok && needsCatalog(parsed.data)) {
      result = checkConfigUpdate(
        parsed.data,
        await this.catalog(organizationId, false),
      );
      if (!result.ok) {
        // The cached lists may predate a project or state just added in ADO: look again once.
        result = checkConfigUpdate(
          parsed.data,
          await this.catalog(organizationId, true),
        );
      }
    }
    if (!result.ok) throw new InputError(result.message);
    return this.deps.configs.update(
      organizationId,
      result.value,
      options.updatedBy,
    );
  }

  private async catalog(organizationId: string, refresh: boolean) {
    try {
      return await this.deps.catalogs.get(organizationId, { refresh });
    } catch (error) {
      throw new ServiceUnavailableError(
        `Could not check the projects and states against Azure DevOps: ${describeAdoError(
          error,
        )}`,
      );
    }
  }

  private async requireOrganization(organizationId: string) {
    const organization = await this.deps.organizations.get(organizationId);
    if (!organization) {
      throw new NotFoundError(
        `No Azure DevOps organization with id ${organizationId}`,
      );
    }
    return organization;
  }
}
