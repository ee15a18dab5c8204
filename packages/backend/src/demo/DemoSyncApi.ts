/**
 * The sync plugin's HTTP API as the demo's guest user calls it (the same routes, tokens and
 * checks as the browser and an app sending events): `GET /api/auth/guest/refresh` for a token,
 * then `/api/azure-devops-sync/...`.
 */
export class DemoSyncApi {
  private token?: { value: string; expiresAt: number };

  constructor(private readonly backendUrl: string) {}

  get baseUrl(): string {
    return `${this.backendUrl.replace(/\/+$/, '')}/api/azure-devops-sync`;
  }

  private async guestToken(): Promise<string> {
    if (this.token && this.token.expiresAt > Date.now())
      return this.token.value;
    const res = await fetch(
      `${this.backendUrl.replace(/\/+$/, '')}/api/auth/guest/refresh`,
      { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
    );
    if (!res.ok) {
      throw new Error(
        `guest sign-in answered HTTP ${res.status} (is auth.providers.guest configured?)`,
      );
    }
    const body = await res.json();
    const value = body?.backstageIdentity?.token;
    if (typeof value !== 'string')
      throw new Error('guest sign-in gave no token');
    // Backstage tokens last an hour; take a new one well before.
    this.token = { value, expiresAt: Date.now() + 10 * 60_000 };
    return value;
  }

  /** One call; resolves to the status and the JSON body (undefined when there is none). */
  async call(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${await this.guestToken()}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, body: json };
  }

  /** Like {@link call}, but any status other than `expected` is an error with the body's message. */
  async expect(
    expected: number | number[],
    method: string,
    path: string,
    body?: unknown,
  ): Promise<any> {
    const res = await this.call(method, path, body);
    const ok = Array.isArray(expected) ? expected : [expected];
    if (!ok.includes(res.status)) {
      throw new Error(
        `${method} ${path} answered HTTP ${res.status}: ${
          res.body?.error?.message ?? JSON.stringify(res.body)
        }`,
      );
    }
    return res.body;
  }
}
