import { Config } from '@backstage/config';
import { withTrailingSlash } from '../api/urls';

/** `azureDevOpsSync.*` read once at start-up. */
export interface PluginSettings {
  issueSyncEnabled: boolean;
  organizations: Array<{ name: string; baseUrl?: string }>;
  accountLookupBaseUrl: string;
  webhookBaseUrl: string;
  /** For links from ADO work items back to entity pages. */
  appBaseUrl: string;
  timeoutMs: number;
  maxAttempts: number;
  concurrency: number;
  cacheTtlMs: number;
  requireOwnerMembership: boolean;
  /** How often service hooks are checked and recreated when ADO disabled them. */
  subscriptionCheckMinutes: number;
  /** How often linked work items are reconciled with ADO. */
  reconcileMinutes: number;
  /** Hosts under `integrations.azure`: the only non-Microsoft hosts we send credentials to. */
  integrationHosts: string[];
}

export function readPluginSettings(config: Config): PluginSettings {
  const sync = config.getOptionalConfig('azureDevOpsSync');
  const organizations = (
    sync?.getOptionalConfigArray('organizations') ?? []
  ).map(org => ({
    name: org.getString('name'),
    baseUrl: org.getOptionalString('baseUrl'),
  }));
  const integrationHosts = (
    config.getOptionalConfigArray('integrations.azure') ?? []
  ).map(c => c.getOptionalString('host') ?? 'dev.azure.com');
  return {
    issueSyncEnabled: sync?.getOptionalBoolean('issueSync.enabled') ?? true,
    organizations,
    accountLookupBaseUrl: withTrailingSlash(
      sync?.getOptionalString('accountLookupBaseUrl') ??
        'https://app.vssps.visualstudio.com/',
    ),
    webhookBaseUrl: (
      sync?.getOptionalString('webhookBaseUrl') ??
      config.getString('backend.baseUrl')
    ).replace(/\/+$/, ''),
    appBaseUrl: (config.getOptionalString('app.baseUrl') ?? '').replace(
      /\/+$/,
      '',
    ),
    timeoutMs: sync?.getOptionalNumber('client.timeoutMs') ?? 30_000,
    maxAttempts: sync?.getOptionalNumber('client.maxAttempts') ?? 5,
    concurrency: sync?.getOptionalNumber('client.concurrency') ?? 8,
    cacheTtlMs: (sync?.getOptionalNumber('cacheTtlSeconds') ?? 300) * 1000,
    requireOwnerMembership:
      sync?.getOptionalBoolean('inbound.requireOwnerMembership') ?? false,
    integrationHosts,
    subscriptionCheckMinutes:
      sync?.getOptionalNumber('schedule.subscriptionCheckMinutes') ?? 360,
    reconcileMinutes:
      sync?.getOptionalNumber('schedule.reconcileMinutes') ?? 60,
  };
}
