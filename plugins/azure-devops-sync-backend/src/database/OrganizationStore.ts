import type {
  Organization,
  SubscriptionStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import {
  SERVICE_HOOK_EVENT_TYPES,
  ServiceHookEventType,
} from '../api/serviceHook';

/** The events an organization has a service hook for, one subscription each, in this order. */
export const HOOK_EVENT_TYPES = SERVICE_HOOK_EVENT_TYPES;

/**
 * One service hook subscription of an organization, secret included. Each hook has its own
 * secret (replacing one never touches the others). Not yet created: `id` null, status missing.
 */
export interface OrganizationHook {
  eventType: ServiceHookEventType;
  id: string | null;
  secret: string | null;
  status: SubscriptionStatus;
  checkedAt: string | null;
}

/** A connected organization as stored, secrets included: never send it over HTTP as is. */
export interface OrganizationRecord {
  id: string;
  name: string;
  externalId: string | null;
  domainName: string;
  status: 'active' | 'error';
  statusReason: string | null;
  /** The `workitem.updated` hook, where it was stored before there were four. */
  subscription: {
    id: string | null;
    secret: string | null;
    status: SubscriptionStatus;
    checkedAt: string | null;
  };
  /** Every hook of HOOK_EVENT_TYPES, in that order (the first is `subscription`). */
  hooks: OrganizationHook[];
  lastDeliveryAt: string | null;
  createdAt: string;
}

/** Columns a caller may change. */
export interface OrganizationPatch {
  externalId?: string | null;
  domainName?: string;
  status?: 'active' | 'error';
  statusReason?: string | null;
  subscriptionId?: string | null;
  subscriptionSecret?: string | null;
  subscriptionStatus?: SubscriptionStatus;
  subscriptionCheckedAt?: Date | null;
  lastDeliveryAt?: Date | null;
}

/** Connected ADO organizations. */
export interface OrganizationStore {
  list(): Promise<OrganizationRecord[]>;
  get(id: string): Promise<OrganizationRecord | undefined>;
  getByName(name: string): Promise<OrganizationRecord | undefined>;
  getByExternalId(externalId: string): Promise<OrganizationRecord | undefined>;
  /** Inserts the organization, or returns the one already stored under that name. */
  createOrGet(input: {
    name: string;
    externalId: string | null;
    domainName: string;
  }): Promise<OrganizationRecord>;
  update(id: string, patch: OrganizationPatch): Promise<OrganizationRecord>;
  /** Stores a hook just created or checked (the `workitem.updated` one in `subscription`). */
  saveHook(
    organizationId: string,
    hook: Omit<OrganizationHook, 'checkedAt'> & { id: string; secret: string },
  ): Promise<void>;
}

/** The secrets the organization's hooks send (each hook has its own). */
export function hookSecrets(record: OrganizationRecord): string[] {
  return record.hooks.flatMap(h => (h.secret ? [h.secret] : []));
}

/** All hooks healthy: the updated hook's status; else the first unhealthy hook's. */
function overallHookStatus(record: OrganizationRecord): SubscriptionStatus {
  const unhealthy = record.hooks.find(
    h => h.status !== 'enabled' && h.status !== 'onProbation',
  );
  return unhealthy?.status ?? record.subscription.status;
}

/** The API view of an organization: everything but the secret. */
export function toApiOrganization(record: OrganizationRecord): Organization {
  return {
    id: record.id,
    name: record.name,
    externalId: record.externalId ?? '',
    domainName: record.domainName,
    status: record.status,
    statusReason: record.statusReason,
    subscription: {
      id: record.subscription.id,
      status: overallHookStatus(record),
      lastCheckedAt: record.subscription.checkedAt,
    },
    lastDeliveryAt: record.lastDeliveryAt,
    createdAt: record.createdAt,
  };
}
