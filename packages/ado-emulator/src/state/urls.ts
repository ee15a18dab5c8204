/** URL builders. Everything hangs off the public URL so payloads point back at the emulator. */
export class Urls {
  constructor(private readonly getBase: () => string) {}

  get base(): string {
    return this.getBase().replace(/\/+$/, '');
  }

  /** `{publicUrl}/{org}/`, with the trailing slash ADO uses for primary URLs. */
  org(org: string): string {
    return `${this.base}/${org}/`;
  }

  project(org: string, projectId: string): string {
    return `${this.org(org)}_apis/projects/${projectId}`;
  }

  workItem(org: string, id: number, projectId?: string): string {
    return `${this.org(org)}${
      projectId ? `${projectId}/` : ''
    }_apis/wit/workItems/${id}`;
  }

  identity(org: string, id: string): string {
    return `${this.org(org)}_apis/Identities/${id}`;
  }

  avatar(org: string, descriptor: string): string {
    return `${this.org(org)}_apis/GraphProfile/MemberAvatars/${descriptor}`;
  }

  field(org: string, ref: string): string {
    return `${this.org(org)}_apis/wit/fields/${ref}`;
  }
}
