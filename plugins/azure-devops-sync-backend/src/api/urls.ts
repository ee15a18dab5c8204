/** Normalizes a base URL to end in exactly one `/`. */
export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/**
 * The vssps host (graph users, identities) for an organization URL:
 * `dev.azure.com/{org}` → `vssps.dev.azure.com/{org}`, `{org}.visualstudio.com` →
 * `{org}.vssps.visualstudio.com`; any other host (ADO Server, the emulator) serves it itself.
 */
export function vsspsBaseUrl(domainName: string): string {
  const url = new URL(withTrailingSlash(domainName));
  if (url.hostname === 'dev.azure.com') {
    url.hostname = 'vssps.dev.azure.com';
  } else if (
    url.hostname.endsWith('.visualstudio.com') &&
    !url.hostname.includes('.vssps.')
  ) {
    const org = url.hostname.slice(0, -'.visualstudio.com'.length);
    url.hostname = `${org}.vssps.visualstudio.com`;
  }
  return url.toString();
}

/** The browser URL of a work item. */
export function workItemUrl(domainName: string, id: number | string): string {
  return `${withTrailingSlash(domainName)}_workitems/edit/${id}`;
}
