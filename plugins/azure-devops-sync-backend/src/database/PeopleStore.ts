import type {
  PersonMapping,
  PersonSuggestion,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/**
 * An organization's explicit ADO identity ↔ catalog user mappings, and the ADO identities seen
 * in deliveries that matched no catalog user. ADO identities compare case-insensitively.
 */
export interface PeopleStore {
  /** The mappings in the order they were saved. */
  list(organizationId: string): Promise<PersonMapping[]>;
  /** Replaces every mapping of the organization at once. */
  replace(
    organizationId: string,
    items: PersonMapping[],
    updatedBy?: string,
  ): Promise<void>;
  /** The catalog user the first of these identities that has a mapping maps to. */
  userFor(
    organizationId: string,
    adoIdentities: string[],
  ): Promise<string | undefined>;
  /** The ADO identity a catalog user is mapped to (the first saved, when several are). */
  identityFor(
    organizationId: string,
    userEntityRef: string,
  ): Promise<string | undefined>;
  /** Remembers an assignee that matched no catalog user (the newest sighting wins). */
  recordUnmatched(
    organizationId: string,
    adoIdentity: string,
    displayName?: string,
  ): Promise<void>;
  /** Unmatched identities not mapped since, most recently seen first. */
  suggestions(
    organizationId: string,
    limit?: number,
  ): Promise<PersonSuggestion[]>;
}

/** The key ADO identities are stored and compared by. */
export function identityKey(adoIdentity: string): string {
  return adoIdentity.trim().toLowerCase();
}
