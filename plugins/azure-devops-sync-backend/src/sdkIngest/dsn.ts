import { createHash } from 'node:crypto';

/**
 * The DSN's project id for an entity: Sentry SDKs refuse a DSN whose last path segment is not a
 * number, so each entity gets a stable one derived from its ref (31 bits of its SHA-256). It
 * only has to match the key's entity; the key decides where events go.
 */
export function projectIdOf(entityRef: string): string {
  const head = createHash('sha256').update(entityRef, 'utf8').digest();
  return String(head.readUInt32BE(0) >>> 1 || 1);
}

/** `http(s)://<publicKey>@<backend host>[/<base path>]/api/azure-devops-sync/sentry/<projectId>` */
export function buildDsn(
  backendBaseUrl: string,
  publicKey: string,
  entityRef: string,
): string {
  const base = new URL(backendBaseUrl);
  const path = base.pathname.replace(/\/+$/, '');
  return `${base.protocol}//${publicKey}@${
    base.host
  }${path}/api/azure-devops-sync/sentry/${projectIdOf(entityRef)}`;
}
