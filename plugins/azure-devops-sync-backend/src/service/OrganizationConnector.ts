import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import { AdoClient } from '../api/AdoClient';
import { AdoApiError, AdoInvalidIdentityError } from '../api/errors';
import { withTrailingSlash } from '../api/urls';
import type { SubscriptionStatus } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import {
  OrganizationHook,
  OrganizationRecord,
  OrganizationStore,
} from '../database/OrganizationStore';
import {
  baseUrlForName,
  isAllowedAdoHost,
  isSecureTransport,
  parseOrganizationInput,
} from '../sync/domainName';
import { AdoClientFactory } from './AdoClientFactory';
import { describeAdoError } from './describeAdoError';
import { PluginSettings } from './PluginSettings';

export const WEBHOOK_PATH = '/api/azure-devops-sync/webhooks/workitem';
const HEALTHY = new Set(['enabled', 'onProbation']);

function hookPermissionMessage(
  organization: string,
  error: AdoApiError,
): string {
  return `Azure DevOps refused to create the service hook for ${organization} (HTTP ${error.status}: ${error.message}). The credential's identity needs the "Edit subscriptions" and "View subscriptions" service hook permissions (Project Collection Administrators have them), and the organization's policies must allow third-party application access.`;
}

/**
 * Connects organizations (resolve account id and base URL, create one service hook per event
 * type we sync — updated, commented, deleted, restored — each with a fresh shared secret) and
 * keeps their hooks alive.
 */
export class OrganizationConnector {
  constructor(
    private readonly deps: {
      organizations: OrganizationStore;
      clients: AdoClientFactory;
      settings: PluginSettings;
      logger: LoggerService;
    },
  ) {}

  get webhookUrl(): string {
    return `${this.deps.settings.webhookBaseUrl}${WEBHOOK_PATH}`;
  }

  /** Connects (or re-checks) an organization given as a name or URL. Idempotent. */
  async connect(
    input: string,
    baseUrlOverride?: string,
  ): Promise<OrganizationRecord> {
    const { settings } = this.deps;
    const parsed = parseOrganizationInput(input, name =>
      baseUrlForName(name, {
        configured: settings.organizations,
        integrationHosts: settings.integrationHosts,
      }),
    );
    if (!parsed) {
      throw new InputError(
        `"${input}" is not an Azure DevOps organization name or URL (e.g. fabrikam or https://dev.azure.com/fabrikam/)`,
      );
    }
    const baseUrl = withTrailingSlash(baseUrlOverride ?? parsed.baseUrl);
    const host = new URL(baseUrl).host;
    if (!isAllowedAdoHost(host, this.deps.settings.integrationHosts)) {
      throw new InputError(
        `${host} is not an Azure DevOps host: use dev.azure.com, *.visualstudio.com, or add the host under integrations.azure`,
      );
    }
    if (!isSecureTransport(baseUrl)) {
      // As the account lookup's locationUrl (acceptLocationUrl): never send the PAT in clear.
      throw new InputError(
        `${baseUrl} uses plain http, which would send the organization's credential unencrypted: use https:// (http is allowed only for a loopback host, such as a local emulator)`,
      );
    }

    let client: AdoClient;
    let externalId: string;
    try {
      client = await this.deps.clients.forUrl(baseUrl, parsed.name);
      externalId = (await client.getConnectionData()).instanceId;
    } catch (error) {
      throw new InputError(
        `Could not connect Azure DevOps organization ${
          parsed.name
        }: ${describeAdoError(error)}`,
      );
    }

    let organization = await this.deps.organizations.createOrGet({
      name: parsed.name,
      externalId,
      domainName: baseUrl,
    });
    if (organization.externalId !== externalId) {
      organization = await this.deps.organizations.update(organization.id, {
        externalId,
      });
    }
    return this.ensureSubscription(organization.id, { throwOnRefusal: true });
  }

  /**
   * Makes sure ADO has a healthy hook pointing at us for each of HOOK_EVENT_TYPES: reuses a
   * stored one ADO still has enabled, otherwise deletes it and creates a new one with a new
   * secret (ADO cannot re-enable a `disabledBySystem` hook in place). Each hook has its own
   * secret, so replacing one never breaks the others; an organization connected when there was
   * only the `workitem.updated` hook gets the missing ones here.
   */
  async ensureSubscription(
    organizationId: string,
    options: { throwOnRefusal?: boolean } = {},
  ): Promise<OrganizationRecord> {
    const { organizations } = this.deps;
    const connected = await this.deps.clients
      .forOrganization(organizationId)
      .catch(async error => {
        await organizations.update(organizationId, {
          status: 'error',
          statusReason: describeAdoError(error),
        });
        throw error;
      });
    const { client, organization } = connected;

    try {
      for (const hook of organization.hooks) {
        await this.ensureHook(client, organization, hook);
      }
      return await organizations.update(organization.id, {
        status: 'active',
        statusReason: null,
        subscriptionCheckedAt: new Date(),
      });
    } catch (error) {
      const refused =
        error instanceof AdoApiError && [400, 401, 403].includes(error.status);
      const reason = refused
        ? hookPermissionMessage(organization.name, error as AdoApiError)
        : describeAdoError(error);
      await organizations.update(organization.id, {
        status: 'error',
        statusReason: reason,
        subscriptionCheckedAt: new Date(),
      });
      if (options.throwOnRefusal) {
        if (refused) throw new NotAllowedError(reason);
        if (error instanceof AdoInvalidIdentityError)
          throw new InputError(reason);
      }
      throw error;
    }
  }

  /** One hook: kept when ADO still has it healthy, else (re)created. */
  private async ensureHook(
    client: AdoClient,
    organization: OrganizationRecord,
    hook: OrganizationHook,
  ): Promise<void> {
    const { organizations, logger } = this.deps;
    const existing = hook.id
      ? await client.getSubscription(hook.id)
      : undefined;
    const status = existing?.status ?? (existing ? 'enabled' : 'missing');
    if (existing && HEALTHY.has(status) && hook.secret) {
      await organizations.saveHook(organization.id, {
        ...hook,
        id: existing.id,
        secret: hook.secret,
        status: status as SubscriptionStatus,
      });
      return;
    }
    if (existing) {
      logger.info(
        `Service hook ${existing.id} (${hook.eventType}) of ${organization.name} is ${status}; replacing it`,
      );
      await client.deleteSubscription(existing.id);
    }
    const secret = randomBytes(32).toString('hex');
    const created = await client.createSubscription({
      publisherId: 'tfs',
      eventType: hook.eventType,
      resourceVersion: '1.0',
      consumerId: 'webHooks',
      consumerActionId: 'httpRequest',
      publisherInputs: {},
      consumerInputs: {
        url: this.webhookUrl,
        resourceDetailsToSend: 'all',
        httpHeaders: `Shared-Secret:${secret}`,
      },
    });
    await organizations.saveHook(organization.id, {
      eventType: hook.eventType,
      id: created.id,
      secret,
      status: (created.status as SubscriptionStatus) ?? 'enabled',
    });
    logger.info(
      `Created service hook ${created.id} (${hook.eventType}) for ${organization.name}`,
    );
  }

  /** Connects configured organizations not connected yet (cheap when they all are). */
  async connectConfigured(): Promise<void> {
    const { settings, organizations, logger } = this.deps;
    for (const configured of settings.organizations) {
      const known = await organizations.getByName(configured.name);
      if (!known || !known.externalId) {
        try {
          await this.connect(configured.name, configured.baseUrl);
        } catch (error) {
          logger.warn(
            `Could not connect configured Azure DevOps organization ${
              configured.name
            }: ${describeAdoError(error)}`,
          );
        }
      }
    }
  }

  /** The scheduled health check: repair every organization's hook. */
  async checkAll(): Promise<void> {
    const { organizations, logger } = this.deps;
    await this.connectConfigured();
    for (const organization of await organizations.list()) {
      try {
        await this.ensureSubscription(organization.id);
      } catch (error) {
        logger.warn(
          `Service hook check for ${
            organization.name
          } failed: ${describeAdoError(error)}`,
        );
      }
    }
  }
}
