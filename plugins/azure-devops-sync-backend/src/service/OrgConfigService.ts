import { LoggerService } from '@backstage/backend-plugin-api';
import { createHash } from 'node:crypto';
import {
  InputError,
  NotFoundError,
  ServiceUnavailableError,
} from '@backstage/errors';
import type {
  OrganizationConfig,
  OrganizationConfigValues,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
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
import { firstIssue, zodMessages } from '../api/zodMessages';

export const FEATURE_DISABLED_REASON =
  'Issue sync is turned off for this portal (azureDevOpsSync.issueSync.enabled is false)';

/** A settings form answer as sent: its JSON text and an ETag of it. */
export interface OrgConfigResponse {
  json: string;
  etag: string;
}

/** `get_organization_config` and `update_organization_config`. */
export class OrgConfigService {
  /**
   * Built answers per catalog object (ProjectCatalogService hands out the same one while it is
   * current), keyed by everything else the answer depends on: a new catalog or changed values
   * build a new one, and answers of replaced catalogs go with them.
   */
  private readonly built = new WeakMap<
    ProjectCatalog,
    Map<string, OrgConfigResponse>
  >();

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
    const { values, catalog, adoError } = await this.load(
      organizationId,
      options,
    );
    return this.build(organizationId, values, catalog, adoError, options);
  }

  /** {@link get} as JSON text with an ETag, built once per catalog and values. */
  async getResponse(
    organizationId: string,
    options: { refresh?: boolean; canUpdate: boolean },
  ): Promise<OrgConfigResponse> {
    const { values, catalog, adoError } = await this.load(
      organizationId,
      options,
    );
    const key = JSON.stringify([values, adoError ?? null, options.canUpdate]);
    let answers = this.built.get(catalog);
    if (!answers) {
      answers = new Map();
      this.built.set(catalog, answers);
    }
    let answer = answers.get(key);
    if (!answer) {
      const json = JSON.stringify(
        this.build(organizationId, values, catalog, adoError, options),
      );
      const hash = createHash('sha256').update(json).digest('base64url');
      answer = { json, etag: `"${hash.slice(0, 32)}"` };
      // Readers and admins, and a value or two saved since: a few answers per catalog.
      if (answers.size >= 8) answers.clear();
      answers.set(key, answer);
    }
    return answer;
  }

  private async load(
    organizationId: string,
    options: { refresh?: boolean },
  ): Promise<{
    values: OrganizationConfigValues;
    catalog: ProjectCatalog;
    adoError?: string;
  }> {
    await this.requireOrganization(organizationId);
    const values = await this.deps.configs.get(organizationId);
    try {
      const catalog = await this.deps.catalogs.get(organizationId, options);
      return { values, catalog };
    } catch (error) {
      const adoError = describeAdoError(error);
      this.deps.logger.warn(
        `Could not read projects and states of organization ${organizationId}: ${adoError}`,
      );
      const catalog =
        error instanceof ProjectCatalogError
          ? error.partial
          : { projects: [], states: {} };
      return { values, catalog, adoError };
    }
  }

  private build(
    organizationId: string,
    values: OrganizationConfigValues,
    catalog: ProjectCatalog,
    adoError: string | undefined,
    options: { canUpdate: boolean },
  ): OrganizationConfig {
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
    const parsed = configUpdateSchema.safeParse(body, { error: zodMessages });
    if (!parsed.success) {
      const issue = firstIssue(parsed.error);
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
