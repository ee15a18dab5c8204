import { withTrailingSlash } from '../api/urls';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function isLoopback(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.startsWith('127.');
}

function parse(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/**
 * May an organization's credential be sent to this URL? Over https, or over plain http only to
 * a loopback host (a local emulator): anywhere else the PAT would cross the network in clear.
 */
export function isSecureTransport(value: string | null | undefined): boolean {
  const url = value ? parse(value) : undefined;
  if (!url || !url.hostname) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopback(url.hostname);
}

/**
 * The reference's `^https://.+/$` test, widened to `http://…/` on a loopback host so the
 * emulator's URL is not looked up on every call.
 */
export function isUsableDomainName(value: string | null | undefined): boolean {
  if (!value || !value.endsWith('/')) return false;
  return isSecureTransport(value);
}

/** Is this host one we may send an organization's credential to? */
export function isAllowedAdoHost(
  host: string,
  configuredHosts: readonly string[],
): boolean {
  const lower = host.toLowerCase();
  return (
    lower === 'dev.azure.com' ||
    lower.endsWith('.visualstudio.com') ||
    configuredHosts.some(h => h.toLowerCase() === lower)
  );
}

/**
 * Accepts an account lookup's `locationUrl` only when it points at an ADO host: https on
 * dev.azure.com, *.visualstudio.com or a host configured under `integrations.azure` (http only for
 * a configured loopback host). Returns the URL normalized to end in `/`, or undefined to refuse it.
 */
export function acceptLocationUrl(
  locationUrl: string | null | undefined,
  configuredHosts: readonly string[],
): string | undefined {
  if (!locationUrl) return undefined;
  const url = parse(locationUrl);
  if (!url || url.username || url.password || url.search || url.hash) {
    return undefined;
  }
  if (!isAllowedAdoHost(url.host, configuredHosts)) return undefined;
  const secure = url.protocol === 'https:';
  const localHttp =
    url.protocol === 'http:' &&
    isLoopback(url.hostname) &&
    configuredHosts.some(h => h.toLowerCase() === url.host.toLowerCase());
  if (!secure && !localHttp) return undefined;
  return withTrailingSlash(url.toString());
}

function isMicrosoftHost(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === 'dev.azure.com' || lower.endsWith('.visualstudio.com');
}

/**
 * Where a bare organization name lives: the `baseUrl` configured for that name under
 * `azureDevOpsSync.organizations`; else, when `integrations.azure` lists exactly one host and it
 * is not Microsoft's (an Azure DevOps Server, or the demo's emulator), `{host}/{name}/` on that
 * host (http for a loopback host, https otherwise); else `https://dev.azure.com/{name}/`.
 */
export function baseUrlForName(
  name: string,
  options: {
    configured?: ReadonlyArray<{ name: string; baseUrl?: string }>;
    integrationHosts?: readonly string[];
  } = {},
): string {
  const configured = options.configured?.find(
    o => o.baseUrl && o.name.toLowerCase() === name.toLowerCase(),
  );
  if (configured?.baseUrl) return withTrailingSlash(configured.baseUrl);
  const hosts = options.integrationHosts ?? [];
  if (hosts.length === 1 && !isMicrosoftHost(hosts[0])) {
    const url = parse(`http://${hosts[0]}/`);
    if (url) {
      const scheme = isLoopback(url.hostname) ? 'http' : 'https';
      return `${scheme}://${url.host}/${name}/`;
    }
  }
  return `https://dev.azure.com/${name}/`;
}

/**
 * An organization name or URL as an admin types it → the org name and its base URL.
 * `fabrikam`, `https://dev.azure.com/fabrikam`, `https://fabrikam.visualstudio.com/` and
 * `http://localhost:7008/fabrikam/` are all understood; a bare name's base URL comes from
 * `baseUrlOf` (see {@link baseUrlForName}), dev.azure.com by default.
 */
export function parseOrganizationInput(
  input: string,
  baseUrlOf: (name: string) => string = baseUrlForName,
): { name: string; baseUrl: string } | undefined {
  const trimmed = input.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9-]{0,49}$/.test(trimmed)) {
    return { name: trimmed, baseUrl: baseUrlOf(trimmed) };
  }
  const url = parse(
    /^https?:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`,
  );
  if (!url || (!url.hostname.includes('.') && !isLoopback(url.hostname))) {
    return undefined;
  }
  const segments = url.pathname.split('/').filter(Boolean);
  if (url.hostname.endsWith('.visualstudio.com') && segments.length === 0) {
    const name = url.hostname.split('.')[0];
    return { name, baseUrl: `${url.protocol}//${url.host}/` };
  }
  if (segments.length !== 1) return undefined;
  const name = decodeURIComponent(segments[0]);
  if (!/^[A-Za-z0-9][A-Za-z0-9-_.]{0,49}$/.test(name)) return undefined;
  return { name, baseUrl: `${url.protocol}//${url.host}/${segments[0]}/` };
}
