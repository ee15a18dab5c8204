import { AuthService } from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_MEMBER_OF,
  RELATION_OWNED_BY,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';

/** Catalog users by e-mail (`spec.profile.email`), for matching ADO identities. */
export class UserDirectory {
  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  private async credentials() {
    return { credentials: await this.auth.getOwnServiceCredentials() };
  }

  async getEntity(ref: string): Promise<Entity | undefined> {
    return this.catalog.getEntityByRef(ref, await this.credentials());
  }

  /** The User entity's e-mail and display name. */
  async profile(
    userEntityRef: string,
  ): Promise<{ email?: string; displayName: string } | undefined> {
    const entity = await this.getEntity(userEntityRef);
    if (!entity || entity.kind.toLowerCase() !== 'user') return undefined;
    const profile = (entity.spec as any)?.profile ?? {};
    return {
      email: typeof profile.email === 'string' ? profile.email : undefined,
      displayName:
        profile.displayName ?? entity.metadata.title ?? entity.metadata.name,
    };
  }

  /** The User entity refs whose e-mail matches, case-insensitively. */
  async findByEmail(email: string): Promise<string[]> {
    const wanted = email.trim().toLowerCase();
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'User', 'spec.profile.email': wanted } },
      await this.credentials(),
    );
    return items
      .filter(
        e =>
          String((e.spec as any)?.profile?.email ?? '').toLowerCase() ===
          wanted,
      )
      .map(e => stringifyEntityRef(e));
  }

  /**
   * Catalog users by e-mail for several addresses in one catalog call: lower-case e-mail → the
   * first User entity ref with it. Addresses no user has are absent.
   */
  async findByEmails(emails: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(emails.map(e => e.trim().toLowerCase()))].filter(
      Boolean,
    );
    const found = new Map<string, string>();
    if (wanted.length === 0) return found;
    const { items } = await this.catalog.getEntities(
      { filter: { kind: 'User', 'spec.profile.email': wanted } },
      await this.credentials(),
    );
    for (const entity of items) {
      const email = String(
        (entity.spec as any)?.profile?.email ?? '',
      ).toLowerCase();
      if (wanted.includes(email) && !found.has(email)) {
        found.set(email, stringifyEntityRef(entity));
      }
    }
    return found;
  }

  /** Which of these entity refs are User entities in the catalog (refs as given). */
  async existingUsers(refs: string[]): Promise<Set<string>> {
    if (refs.length === 0) return new Set();
    const { items } = await this.catalog.getEntitiesByRefs(
      { entityRefs: refs },
      await this.credentials(),
    );
    return new Set(
      refs.filter((_ref, i) => items[i]?.kind.toLowerCase() === 'user'),
    );
  }

  /** Whether the user is a member of a group that owns the entity (the reference's team rule). */
  async isMemberOfOwner(
    userEntityRef: string,
    entityRef: string,
  ): Promise<boolean> {
    const [user, entity] = await Promise.all([
      this.getEntity(userEntityRef),
      this.getEntity(entityRef),
    ]);
    if (!user || !entity) return false;
    const owners = new Set(
      (entity.relations ?? [])
        .filter(r => r.type === RELATION_OWNED_BY)
        .map(r => r.targetRef),
    );
    const owner = (entity.spec as any)?.owner;
    if (typeof owner === 'string') {
      owners.add(
        stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? 'default',
          }),
        ),
      );
    }
    if (owners.has(stringifyEntityRef(user))) return true;
    const groups = (user.relations ?? [])
      .filter(r => r.type === RELATION_MEMBER_OF)
      .map(r => r.targetRef);
    for (const name of ((user.spec as any)?.memberOf ?? []) as string[]) {
      groups.push(
        stringifyEntityRef(
          parseEntityRef(name, {
            defaultKind: 'group',
            defaultNamespace: user.metadata.namespace ?? 'default',
          }),
        ),
      );
    }
    return groups.some(g => owners.has(g));
  }
}
