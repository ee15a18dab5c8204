import { InputError } from '@backstage/errors';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  ActivitySource,
  Issue,
} from '@internal/plugin-azure-devops-sync-common';
import { AdoApiError, ruleValidationErrors } from '../api/errors';
import type { AdoWorkItem } from '../api/types';
import { workItemUrl } from '../api/urls';
import { IssueStore } from '../database/IssueStore';
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
      issues: IssueStore;
      clients: AdoClientFactory;
      catalogs: ProjectCatalogService;
      appBaseUrl: string;
    },
  ) {}

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
    const result = await this.deps.issues.addLink(
      {
        issueId: issue.id,
        organizationId,
        workItemId: workItem.id,
        url: workItemUrl(domainName, workItem.id),
        title: String(fields['System.Title'] ?? ''),
        state: String(fields['System.State'] ?? ''),
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
