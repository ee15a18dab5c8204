import { NextFunction, Request, Response } from 'express';
import { Credential, EmulatorState } from './state/EmulatorState';
import { Identity, Organization } from './state/model';
import { AdoError, sendAdoError } from './util/errors';

/** Resolves the credential of a request: Basic with a PAT as password (any user name), or Bearer. */
export function credentialOf(
  state: EmulatorState,
  header: string | undefined,
): Credential | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const pat = colon >= 0 ? decoded.slice(colon + 1) : decoded;
    return state.pats.get(pat);
  }
  if (scheme.toLowerCase() === 'bearer') return state.tokens.get(value);
  return undefined;
}

/** 401 like ADO: empty body, no content type, a Basic realm challenge. */
export function sendUnauthorized(state: EmulatorState, res: Response): void {
  res
    .status(401)
    .set('WWW-Authenticate', `Basic realm="${state.urls.base}/"`)
    .end();
}

/**
 * Requires a valid credential. On org routes (`req.params.org`), the credential must be valid
 * for the org; otherwise 401 as ADO does. An org the emulator does not have at all is a 404
 * naming the ones it has, so a demo user who typed a wrong name is told so (ADO's 401 for that
 * case reads like a credential problem).
 */
export function requireAuth(state: EmulatorState) {
  return (req: Request, res: Response, next: NextFunction) => {
    const cred = credentialOf(state, req.headers.authorization);
    if (!cred) {
      sendUnauthorized(state, res);
      return;
    }
    // Mounted on '/:org'; the root host's '/_apis/...' routes need no org.
    const orgName = req.params.org;
    if (orgName && orgName.toLowerCase() !== '_apis') {
      const org = state.org(orgName);
      if (!org) {
        sendAdoError(res, unknownOrganization(state, orgName));
        return;
      }
      if (!cred.orgs.has(org.name.toLowerCase())) {
        sendUnauthorized(state, res);
        return;
      }
      res.locals.org = org;
    }
    res.locals.caller = cred.identity;
    res.locals.credential = cred;
    next();
  };
}

export function callerOf(res: Response): Identity {
  return res.locals.caller as Identity;
}

export function orgOf(res: Response): Organization {
  return res.locals.org as Organization;
}

/** 404 for an organization the emulator does not have, listing the ones it has. */
export function unknownOrganization(
  state: EmulatorState,
  name: string,
): AdoError {
  const known = [...state.orgs.values()].map(o => o.name).sort();
  return new AdoError(
    404,
    'VssServiceException',
    `The organization ${name} does not exist in this Azure DevOps emulator (a local demo stand-in). Its organizations are: ${known.join(
      ', ',
    )}.`,
  );
}
