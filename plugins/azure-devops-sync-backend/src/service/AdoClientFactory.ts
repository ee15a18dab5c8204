import { LoggerService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import { AzureDevOpsCredentialsProvider } from '@backstage/integration';
import { AdoClient } from '../api/AdoClient';
import { AdoInvalidIdentityError } from '../api/errors';
import { RequestGate } from '../api/RequestGate';
import {
  OrganizationRecord,
  OrganizationStore,
} from '../database/OrganizationStore';
import { acceptLocationUrl, isUsableDomainName } from '../sync/domainName';
import { PluginSettings } from './PluginSettings';

/**
 * `get_client`: loads an organization and its credential, runs the domain check, and hands out
 * an {@link AdoClient}. Keeps one {@link RequestGate} per organization so throttling hints are shared.
 */
export class AdoClientFactory {
  private readonly gates = new Map<string, RequestGate>();

  constructor(
    private readonly deps: {
      organizations: OrganizationStore;
      credentials: AzureDevOpsCredentialsProvider;
      settings: PluginSettings;
      logger: LoggerService;
      fetch?: typeof fetch;
      sleep?: (ms: number) => Promise<void>;
    },
  ) {}

  async forOrganization(
    organizationId: string,
  ): Promise<{ client: AdoClient; organization: OrganizationRecord }> {
    const stored = await this.deps.organizations.get(organizationId);
    if (!stored) {
      throw new NotFoundError(
        `No Azure DevOps organization with id ${organizationId}`,
      );
    }
    const credentialUrl = isUsableDomainName(stored.domainName)
      ? stored.domainName
      : `https://dev.azure.com/${stored.name}/`;
    const getAuthorization = await this.authorizationFor(
      credentialUrl,
      stored.name,
    );
    const organization = await this.checkDomainName(stored, getAuthorization);
    return {
      organization,
      client: this.createClient(
        organization.domainName,
        getAuthorization,
        organization.name,
      ),
    };
  }

  /** A client for an organization not stored yet (connecting it). */
  async forUrl(baseUrl: string, name: string): Promise<AdoClient> {
    return this.createClient(
      baseUrl,
      await this.authorizationFor(baseUrl, name),
      name,
    );
  }

  private createClient(
    baseUrl: string,
    getAuthorization: () => Promise<string>,
    name: string,
  ): AdoClient {
    const { settings, logger } = this.deps;
    let gate = this.gates.get(name.toLowerCase());
    if (!gate) {
      gate = new RequestGate();
      this.gates.set(name.toLowerCase(), gate);
    }
    return new AdoClient({
      baseUrl,
      getAuthorization,
      fetch: this.deps.fetch,
      sleep: this.deps.sleep,
      timeoutMs: settings.timeoutMs,
      maxAttempts: settings.maxAttempts,
      gate,
      onRetry: info =>
        logger.warn(
          `Azure DevOps ${info.method} ${info.url} failed (${
            info.reason
          }); try ${info.attempt + 1} in ${Math.round(info.delayMs)} ms`,
        ),
    });
  }

  /** Resolves the credential now (so a missing one fails fast) and per request (tokens expire). */
  private async authorizationFor(
    url: string,
    name: string,
  ): Promise<() => Promise<string>> {
    const get = async () => {
      const host = new URL(url).host;
      const hint = `add a PAT or service principal under integrations.azure with host ${host}${
        host === 'dev.azure.com' ? ` and organizations: [${name}]` : ''
      }`;
      let header: string | undefined;
      try {
        const credentials = await this.deps.credentials.getCredentials({ url });
        header = credentials?.headers.Authorization;
      } catch (error) {
        // e.g. no PAT configured, so @backstage/integration fell back to a managed identity.
        throw new AdoInvalidIdentityError(
          `Could not obtain an Azure DevOps credential for organization "${name}" (${
            (error as Error).message.split('\n')[0]
          }): ${hint}`,
        );
      }
      if (!header) {
        throw new AdoInvalidIdentityError(
          `No Azure DevOps credential for organization "${name}" (${url}): ${hint}`,
        );
      }
      return header;
    };
    await get();
    return get;
  }

  /**
   * `_check_domain_name`: a stored base URL that is not `https://…/` is replaced by the account
   * lookup's `locationUrl`. A failed lookup or a URL off the ADO hosts keeps the old value.
   */
  private async checkDomainName(
    organization: OrganizationRecord,
    getAuthorization: () => Promise<string>,
  ): Promise<OrganizationRecord> {
    if (isUsableDomainName(organization.domainName)) return organization;
    const { settings, logger } = this.deps;
    const refuse = (why: string): never => {
      logger.warn(
        `Domain name check for Azure DevOps organization ${
          organization.name
        }: ${why}; keeping ${JSON.stringify(organization.domainName)}`,
      );
      throw new AdoInvalidIdentityError(
        `Organization ${organization.name} has no usable base URL (${why})`,
      );
    };
    if (!organization.externalId) return refuse('its account id is unknown');

    const lookup = this.createClient(
      settings.accountLookupBaseUrl,
      getAuthorization,
      organization.name,
    );
    const { status, locationUrl } = await lookup.getAccountBaseUrl(
      settings.accountLookupBaseUrl,
      organization.externalId,
    );
    if (!locationUrl)
      return refuse(`the account lookup answered HTTP ${status}`);
    const accepted = acceptLocationUrl(locationUrl, settings.integrationHosts);
    if (!accepted) {
      return refuse(
        `the account lookup returned a URL off the Azure DevOps hosts: ${locationUrl}`,
      );
    }
    logger.info(
      `Domain name of Azure DevOps organization ${organization.name} repaired: ${accepted}`,
    );
    return this.deps.organizations.update(organization.id, {
      domainName: accepted,
    });
  }
}
