import { EmulatorSeed, SeedProcess, SeedWorkItemType } from '../types';
import { aadDescriptor, stableGuid } from '../util/ids';
import { AdoError, projectNotFound } from '../util/errors';
import {
  Identity,
  IDENTITY_FIELDS,
  Organization,
  Project,
  WorkItem,
} from './model';
import { Urls } from './urls';

/** Who a credential belongs to and which orgs it opens. */
export interface Credential {
  identity: Identity;
  orgs: Set<string>;
}

/** A change to a work item, handed to the service hook dispatcher. */
export interface WorkItemChange {
  kind: 'created' | 'updated' | 'deleted' | 'restored';
  org: Organization;
  before?: WorkItem;
  after: WorkItem;
  by: Identity;
  /** Comment text when this change added one (System.History). */
  comment?: string;
  /** When the change happened (ISO). */
  at: string;
}

export type ChangeListener = (change: WorkItemChange) => void;

/** All in-memory data of one emulator. */
export class EmulatorState {
  readonly orgs = new Map<string, Organization>();
  readonly identities = new Map<string, Identity>();
  readonly pats = new Map<string, Credential>();
  readonly tokens = new Map<string, Credential>();
  graphPageSize = 100;
  private listeners: ChangeListener[] = [];

  /** An empty state: `loadSeed` fills it. */
  constructor(readonly urls: Urls) {}

  /**
   * Replaces all data with the seed's users, credentials, organizations and projects; every
   * organization starts with no work items and no subscriptions (`loadSeed` adds the seed's
   * work items).
   */
  loadDirectory(seed: EmulatorSeed): void {
    this.orgs.clear();
    this.identities.clear();
    this.pats.clear();
    this.tokens.clear();
    this.graphPageSize = seed.graphPageSize ?? 100;
    const orgNames = seed.organizations.map(o => o.name.toLowerCase());

    for (const u of seed.users) {
      const id = u.id ?? stableGuid('identity', u.email.toLowerCase());
      this.identities.set(u.email.toLowerCase(), {
        id,
        displayName: u.displayName,
        email: u.email,
        descriptor: aadDescriptor(id),
        kind: u.kind ?? 'user',
        orgs: new Set((u.orgs ?? orgNames).map(o => o.toLowerCase())),
      });
    }
    const addCredential = (
      target: Map<string, Credential>,
      c: EmulatorSeed['pats'][number],
    ) => {
      const identity = this.identities.get(c.user.toLowerCase());
      if (!identity)
        throw new Error(`Seed credential for unknown user ${c.user}`);
      const orgs = new Set(
        (c.orgs ?? [...identity.orgs]).map(o => o.toLowerCase()),
      );
      target.set(c.token, { identity, orgs });
    };
    seed.pats.forEach(c => addCredential(this.pats, c));
    (seed.tokens ?? []).forEach(c => addCredential(this.tokens, c));

    for (const o of seed.organizations) {
      const processes = seed.processes.filter(
        p =>
          !o.processes ||
          o.processes.some(
            n =>
              n.toLowerCase() === p.name.toLowerCase() ||
              n.toLowerCase() === p.typeId.toLowerCase(),
          ),
      );
      const org: Organization = {
        name: o.name,
        accountId: o.accountId,
        processes,
        projects: [],
        workItems: new Map(),
        nextWorkItemId: 1,
        watermark: 1,
        subscriptions: new Map(),
      };
      for (const p of o.projects) {
        const process = this.findProcessIn(processes, p.process);
        if (!process) {
          throw new Error(
            `Seed project ${p.name} uses unknown process ${p.process}`,
          );
        }
        const id = p.id ?? stableGuid('project', o.name, p.name);
        org.projects.push({
          id,
          name: p.name,
          description: p.description,
          processTypeId: process.typeId,
          visibility: p.visibility ?? 'private',
          revision: 10 + org.projects.length,
          lastUpdateTime: '2025-01-06T09:00:00.000Z',
          teams: [`${p.name} Team`, ...(p.teams ?? [])].map(name => ({
            id: stableGuid('team', o.name, p.name, name),
            name,
          })),
        });
      }
      this.orgs.set(o.name.toLowerCase(), org);
    }
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  emit(change: WorkItemChange): void {
    for (const l of this.listeners) l(change);
  }

  org(name: string): Organization | undefined {
    return this.orgs.get(name.toLowerCase());
  }

  orgOrThrow(name: string): Organization {
    const org = this.org(name);
    if (!org) {
      throw new AdoError(
        404,
        'VssServiceException',
        `TF400813: The organization ${name} does not exist.`,
      );
    }
    return org;
  }

  orgByAccountId(accountId: string): Organization | undefined {
    return [...this.orgs.values()].find(
      o => o.accountId.toLowerCase() === accountId.toLowerCase(),
    );
  }

  /** A project by id or name (case-insensitive). */
  project(org: Organization, idOrName: string): Project | undefined {
    const key = idOrName.toLowerCase();
    return org.projects.find(
      p => p.id.toLowerCase() === key || p.name.toLowerCase() === key,
    );
  }

  projectOrThrow(org: Organization, idOrName: string): Project {
    const p = this.project(org, idOrName);
    if (!p) throw projectNotFound(idOrName);
    return p;
  }

  process(org: Organization, typeId: string): SeedProcess | undefined {
    return this.findProcessIn(org.processes, typeId);
  }

  processOf(org: Organization, project: Project): SeedProcess {
    return this.process(org, project.processTypeId)!;
  }

  /** A work item type of the project's process, by name or reference name. */
  workItemType(
    org: Organization,
    project: Project,
    nameOrRef: string,
  ): SeedWorkItemType | undefined {
    const key = nameOrRef.toLowerCase();
    return this.processOf(org, project).workItemTypes.find(
      t =>
        t.name.toLowerCase() === key || t.referenceName.toLowerCase() === key,
    );
  }

  /** Finds an identity from `email`, `Name <email>` or a display name. */
  findIdentity(value: string): Identity | undefined {
    const m = /<([^<>]+)>\s*$/.exec(value);
    const key = (m ? m[1] : value).trim().toLowerCase();
    return (
      this.identities.get(key) ??
      [...this.identities.values()].find(
        i => i.displayName.toLowerCase() === key,
      )
    );
  }

  identityOrThrow(email: string): Identity {
    const i = this.findIdentity(email);
    if (!i) throw new Error(`Unknown identity ${email}`);
    return i;
  }

  /** `"Display Name <email>"`, the identity form of hook payloads. */
  identityString(email: string): string {
    const i = this.findIdentity(email);
    return i ? `${i.displayName} <${i.email}>` : email;
  }

  /** IdentityRef object as REST work item responses carry it. */
  identityRef(org: Organization, email: string) {
    const i = this.findIdentity(email);
    if (!i) return { displayName: email, uniqueName: email };
    return {
      displayName: i.displayName,
      url: this.urls.identity(org.name, i.id),
      _links: { avatar: { href: this.urls.avatar(org.name, i.descriptor) } },
      id: i.id,
      uniqueName: i.email,
      imageUrl: this.urls.avatar(org.name, i.descriptor),
      descriptor: i.descriptor,
    };
  }

  /** Renders stored fields: identities as IdentityRef objects (`rest`) or strings (`hook`). */
  renderFields(
    org: Organization,
    fields: Record<string, unknown>,
    mode: 'rest' | 'hook',
  ): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined || v === null || v === '') continue;
      if (IDENTITY_FIELDS.has(k) && typeof v === 'string') {
        out[k] =
          mode === 'rest' ? this.identityRef(org, v) : this.identityString(v);
      } else {
        out[k] = v;
      }
    }
    return out;
  }

  workItem(org: Organization, id: number): WorkItem | undefined {
    const wi = org.workItems.get(id);
    return wi && !wi.deleted ? wi : undefined;
  }

  private findProcessIn(processes: SeedProcess[], nameOrId: string) {
    const key = nameOrId.toLowerCase();
    return processes.find(
      p => p.typeId.toLowerCase() === key || p.name.toLowerCase() === key,
    );
  }
}
