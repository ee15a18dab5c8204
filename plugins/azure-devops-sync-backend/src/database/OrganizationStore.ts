import type {
  Organization,
  SubscriptionStatus,
} from '@internal/plugin-azure-devops-sync-common';

/** A connected organization as stored, secrets included: never send it over HTTP as is. */
export interface OrganizationRecord {
  id: string;
  name: string;
  externalId: string | null;
  domainName: string;
  status: 'active' | 'error';
  statusReason: string | null;
  subscription: {
    id: string | null;
    secret: string | null;
    status: SubscriptionStatus;
    checkedAt: string | null;
  };
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
      status: record.subscription.status,
      lastCheckedAt: record.subscription.checkedAt,
    },
    lastDeliveryAt: record.lastDeliveryAt,
    createdAt: record.createdAt,
  };
}
