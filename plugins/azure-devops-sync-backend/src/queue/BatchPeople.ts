import type { ActivitySource } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { PeopleStore } from '../database/PeopleStore';
import { UserDirectory } from '../service/UserDirectory';
import { InboundDelivery } from '../sync/decideInbound';
import {
  identityDisplayName,
  identityEmail,
  identityKeys,
} from '../sync/identity';

type Actor = (ActivitySource & { kind: 'azure-devops' })['actor'];

export type AssigneeCandidates = {
  candidates: string[];
  who: string;
  unmatched?: string;
};

/**
 * Who the ADO identities of one batch of deliveries are in the catalog. Each identity and
 * e-mail is looked up once per batch: a burst of edits by one person repeats it in every
 * delivery, as actor and as assignee alike.
 */
export class BatchPeople {
  private readonly users = new Map<string, Promise<string[]>>();
  private readonly assignees = new Map<string, Promise<AssigneeCandidates>>();

  constructor(
    private readonly deps: {
      /** The organization's people mapping, consulted before e-mails. */
      people: PeopleStore;
      users: UserDirectory;
      requireOwnerMembership: boolean;
    },
  ) {}

  /**
   * The catalog users an ADO assignee may be: the one the organization's people mapping names
   * (by unique name or e-mail), else those with the e-mail. An identity that matches nobody is
   * remembered as a suggestion for the mapping.
   */
  assigneeCandidates(
    organizationId: string,
    value: unknown,
  ): Promise<AssigneeCandidates> {
    // The identity as ADO sent it: the same value gets the same answer.
    const key = JSON.stringify([organizationId, value]);
    let found = this.assignees.get(key);
    if (!found) {
      found = this.lookUpAssignee(organizationId, value);
      this.assignees.set(key, found);
      // A failed lookup is not remembered: the batch's next delivery asks again.
      found.catch(() => this.assignees.delete(key));
    }
    return found;
  }

  private async lookUpAssignee(
    organizationId: string,
    value: unknown,
  ): Promise<AssigneeCandidates> {
    const { people } = this.deps;
    const keys = identityKeys(value);
    const mapped = keys.length
      ? await people.userFor(organizationId, keys)
      : undefined;
    if (mapped) return { candidates: [mapped], who: keys[0] };
    const email = identityEmail(value);
    const candidates = email ? await this.usersWithEmail(email) : [];
    if (candidates.length > 0) return { candidates, who: email! };
    if (keys.length > 0) {
      await people.recordUnmatched(
        organizationId,
        email ?? keys[0],
        identityDisplayName(value),
      );
    }
    return {
      candidates: [],
      who: email ?? keys[0] ?? '',
      unmatched: email
        ? `no catalog user has the e-mail ${email} and no people mapping names it: issues left unchanged`
        : `no e-mail could be read from the new assignee and no people mapping names it: issues left unchanged`,
    };
  }

  /** The reference picks the first user with the e-mail who is in a team with access. */
  async pickAssignee(
    candidates: string[],
    entityRef: string,
  ): Promise<string | undefined> {
    if (!this.deps.requireOwnerMembership) return candidates[0];
    for (const candidate of candidates) {
      if (await this.deps.users.isMemberOfOwner(candidate, entityRef))
        return candidate;
    }
    return undefined;
  }

  /**
   * Who made the revision, as a person: their ADO display name and the catalog user with their
   * e-mail (looked up once per batch), so the activity names people, not revisions.
   */
  async actorOf(delivery: InboundDelivery): Promise<Actor> {
    const who =
      delivery.revisedBy ?? delivery.changes['System.ChangedBy']?.newValue;
    const displayName = identityDisplayName(who);
    const email = identityEmail(who);
    const userEntityRef = email
      ? (await this.usersWithEmail(email))[0]
      : undefined;
    if (!displayName && !userEntityRef) return undefined;
    return {
      ...(displayName ? { displayName } : {}),
      ...(userEntityRef ? { userEntityRef } : {}),
    };
  }

  /** The catalog users with the e-mail, asked once per batch (actor and assignee alike). */
  private usersWithEmail(email: string): Promise<string[]> {
    let found = this.users.get(email);
    if (!found) {
      found = this.deps.users.findByEmail(email);
      this.users.set(email, found);
    }
    return found;
  }
}
