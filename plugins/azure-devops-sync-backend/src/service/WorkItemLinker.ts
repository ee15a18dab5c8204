import { normalizeField } from '../sync/revisionFields';
import { InputError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ActivitySource,
  Issue,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { AdoApiError, ruleValidationErrors } from '../api/errors';
import type { AdoWorkItem } from '../api/types';
import { workItemUrl } from '../api/urls';
import { IssueService } from '../issues/IssueService';
import { OrgConfigStore } from '../database/OrgConfigStore';
import { creatableWorkItemTypes } from '../sync/workItemTypes';
import type { Choice } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import {
  createWorkItemOps,
  issueDescriptionMarkdown,
  markdownToHtml,
  workItemTitle,
} from '../sync/workItemCreate';
import { AdoClientFactory } from './AdoClientFactory';
import { ProjectCatalogService } from './ProjectCatalogService';

export interface CreateWorkItemInput {
  project: string;
  workItemType: string;
  title?: string;
  description?: string;
  areaPath?: string;
  tags?: string[];
}

/** Links issues to existing work items, or creates the work item first. */
export class WorkItemLinker {
  constructor(
    private readonly deps: {
      issueService: IssueService;
      configs: OrgConfigStore;
      clients: AdoClientFactory;
      catalogs: ProjectCatalogService;
      appBaseUrl: string;
    },
  ) {}

  /**
   * The create form's choices (`get_create_issue_config`): projects, the work item types of the
   * chosen project, and defaults: the request's project, else the one last used for this entity,
   * else the entity's `dev.azure.com/project` annotation, else the first project.
   */
  async createConfig(
    organizationId: string,
    options: { entityRef: string; project?: string; annotatedProject?: string },
  ): Promise<{
    projects: Choice[];
    workItemTypes: Record<string, Choice[]>;
    defaults: { project?: string; workItemType?: string };
  }> {
    const catalog = await this.deps.catalogs.get(organizationId);
    const saved = await this.deps.configs.getCreateDefaults(
      organizationId,
      options.entityRef,
    );
    const find = (idOrName?: string) => {
      const wanted = idOrName?.trim().toLowerCase();
      return wanted
        ? catalog.projects.find(
            p =>
              p.id.toLowerCase() === wanted || p.name.toLowerCase() === wanted,
          )
        : undefined;
    };
    if (options.project && !find(options.project)) {
      throw new InputError(
        `Project ${options.project} does not exist in this Azure DevOps organization`,
      );
    }
    const project =
      find(options.project) ??
      find(saved?.projectId) ??
      find(options.annotatedProject) ??
      catalog.projects[0];
    const workItemTypes: Record<string, Choice[]> = {};
    let workItemType: string | undefined;
    if (project) {
      const { client } = await this.deps.clients.forOrganization(
        organizationId,
      );
      const types = creatableWorkItemTypes(
        await client.getWorkItemTypeCategories(project.id),
      );
      workItemTypes[project.id] = types;
      const preferred = [
        saved?.projectId === project.id ? saved.workItemType : undefined,
        'Bug',
        'Issue',
      ];
      workItemType =
        preferred.find(t => t && types.some(c => c.value === t)) ??
        types[0]?.value;
    }
    return {
      projects: catalog.projects.map(p => ({ value: p.id, label: p.name })),
      workItemTypes,
      defaults: { project: project?.id, workItemType },
    };
  }

  async linkExisting(
    issue: Issue,
    organizationId: string,
    workItemId: number,
    source: ActivitySource,
  ) {
    const { client, organization } = await this.deps.clients.forOrganization(
      organizationId,
    );
    let workItem: AdoWorkItem;
    try {
      workItem = await client.getWorkItem(workItemId);
    } catch (error) {
      if (error instanceof AdoApiError && error.status === 404) {
        throw new InputError(
          `Work item ${workItemId} does not exist in ${organization.name}, or the integration cannot read it`,
        );
      }
      throw error;
    }
    return this.link(
      issue,
      organizationId,
      organization.domainName,
      workItem,
      source,
    );
  }

  async createAndLink(
    issue: Issue,
    organizationId: string,
    input: CreateWorkItemInput,
    source: ActivitySource,
  ) {
    const catalog = await this.deps.catalogs.get(organizationId);
    const wanted = input.project.trim().toLowerCase();
    const project = catalog.projects.find(
      p => p.id.toLowerCase() === wanted || p.name.toLowerCase() === wanted,
    );
    if (!project) {
      throw new InputError(
        `Project ${input.project} does not exist in this Azure DevOps organization`,
      );
    }
    const description =
      input.description ??
      issueDescriptionMarkdown(issue, this.entityPageUrl(issue.entityRef));
    const ops = createWorkItemOps({
      title: workItemTitle(input.title || issue.title),
      descriptionHtml: markdownToHtml(description),
      areaPath: input.areaPath,
      tags: input.tags,
    });
    const { client, organization } = await this.deps.clients.forOrganization(
      organizationId,
    );
    let workItem: AdoWorkItem;
    try {
      workItem = await client.createWorkItem(
        project.id,
        input.workItemType,
        ops,
      );
    } catch (error) {
      const rules = ruleValidationErrors(error);
      if (rules.length > 0) {
        throw new InputError(
          `Azure DevOps refused the work item: ${rules
            .map(r => `${r.fieldReferenceName}: ${r.errorMessage}`)
            .join('; ')}`,
        );
      }
      if (
        error instanceof AdoApiError &&
        error.status >= 400 &&
        error.status < 500
      ) {
        throw new InputError(
          `Azure DevOps refused the work item: ${error.message}`,
        );
      }
      throw error;
    }
    await this.deps.configs.setCreateDefaults(organizationId, issue.entityRef, {
      projectId: project.id,
      workItemType: input.workItemType,
    });
    return this.link(
      issue,
      organizationId,
      organization.domainName,
      workItem,
      source,
    );
  }

  private async link(
    issue: Issue,
    organizationId: string,
    domainName: string,
    workItem: AdoWorkItem,
    source: ActivitySource,
  ) {
    const fields = workItem.fields ?? {};
    const projectName = String(fields['System.TeamProject'] ?? '');
    const catalog = await this.deps.catalogs
      .get(organizationId)
      .catch(() => undefined);
    const projectId =
      catalog?.projects.find(
        p => p.name.toLowerCase() === projectName.toLowerCase(),
      )?.id ?? null;
    const result = await this.deps.issueService.addLink(
      {
        issueId: issue.id,
        organizationId,
        workItemId: workItem.id,
        url: workItemUrl(domainName, workItem.id),
        title: String(fields['System.Title'] ?? ''),
        state: String(fields['System.State'] ?? ''),
        assignedTo: normalizeField(
          'System.AssignedTo',
          fields['System.AssignedTo'],
        ),
        projectId,
        projectName: projectName || null,
        workItemType: fields['System.WorkItemType'] ?? null,
        displayName: `${fields['System.AreaPath'] ?? projectName}#${
          workItem.id
        }`,
      },
      source,
    );
    return { ...result, workItemId: workItem.id };
  }

  private entityPageUrl(entityRef: string): string {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `${
      this.deps.appBaseUrl
    }/catalog/${namespace}/${kind.toLowerCase()}/${name}`;
  }
}
