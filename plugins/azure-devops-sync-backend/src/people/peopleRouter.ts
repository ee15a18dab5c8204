import {
  azureDevOpsSyncConfigUpdatePermission,
  type PeopleMappingList,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { missingIsRequired } from '../api/zodMessages';
import { OrganizationStore } from '../database/OrganizationStore';
import { principalRef, RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';
import { UserDirectory } from '../service/UserDirectory';
import { identityKey, PeopleStore } from '../database/PeopleStore';

// eslint-disable-next-line no-control-regex
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u001f]+$/;

/** More would be a directory sync, not a list of exceptions to e-mail matching. */
const MAX_MAPPINGS = 2_000;

const userRefField = z
  .string({ error: missingIsRequired })
  .trim()
  .min(1, 'must not be empty')
  .max(512)
  .transform((ref, ctx) => {
    try {
      // `alice` and `user:alice` mean user:default/alice, as in catalog-info.yaml.
      const parsed = parseEntityRef(ref, {
        defaultKind: 'user',
        defaultNamespace: 'default',
      });
      if (parsed.kind.toLowerCase() !== 'user') {
        ctx.addIssue({
          code: 'custom',
          message: `${ref} is not a User entity ref`,
        });
        return z.NEVER;
      }
      return stringifyEntityRef(parsed).toLocaleLowerCase('en-US');
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  });

const updateSchema = z
  .object({
    items: z
      .array(
        z
          .object({
            adoIdentity: z
              .string({ error: missingIsRequired })
              .trim()
              .min(1, 'must not be empty')
              .max(512)
              // Names go into WIQL literals and JSON patches: no control characters.
              .regex(
                NO_CONTROL_CHARACTERS,
                'must not contain control characters',
              ),
            userEntityRef: userRefField,
          })
          .strict(),
      )
      .max(MAX_MAPPINGS, `at most ${MAX_MAPPINGS} mappings`),
  })
  .strict();

/** `GET`/`PUT /organizations/:id/people`: the organization's people mapping. */
export function peopleRouter(deps: {
  organizations: OrganizationStore;
  people: PeopleStore;
  users: UserDirectory;
  authorizer: RouteAuthorizer;
}): express.Router {
  const router = Router();

  const organizationOf = async (id: string) => {
    const organization = await deps.organizations.get(id);
    if (!organization) {
      throw new NotFoundError(`No Azure DevOps organization with id ${id}`);
    }
    return organization;
  };

  router.get('/organizations/:id/people', async (req, res) => {
    // Suggestions are ADO identities (e-mails, names) from the deliveries: only for those who
    // may map them.
    const mayMap = await deps.authorizer.allowed(
      req,
      azureDevOpsSyncConfigUpdatePermission,
    );
    const { id } = await organizationOf(req.params.id);
    const [items, suggestions] = await Promise.all([
      deps.people.list(id),
      mayMap ? deps.people.suggestions(id) : [],
    ]);
    res.json({ items, suggestions } satisfies PeopleMappingList);
  });

  router.put('/organizations/:id/people', async (req, res) => {
    const credentials = await deps.authorizer.require(
      req,
      azureDevOpsSyncConfigUpdatePermission,
    );
    const { id } = await organizationOf(req.params.id);
    const { items } = parseInput(updateSchema, req.body, 'people mapping');

    const seen = new Map<string, number>();
    items.forEach((item, index) => {
      const key = identityKey(item.adoIdentity);
      const first = seen.get(key);
      if (first !== undefined) {
        throw new InputError(
          `Invalid people mapping at items.${index}.adoIdentity: ${item.adoIdentity} is mapped twice (also at items.${first})`,
        );
      }
      seen.set(key, index);
    });
    const refs = [...new Set(items.map(i => i.userEntityRef))];
    const existing = await deps.users.existingUsers(refs);
    const unknown = refs.filter(ref => !existing.has(ref));
    if (unknown.length > 0) {
      throw new InputError(
        `Invalid people mapping: ${unknown.join(', ')} ${
          unknown.length === 1 ? 'is not a User' : 'are not Users'
        } in the catalog`,
      );
    }

    await deps.people.replace(id, items, principalRef(credentials));
    const body: PeopleMappingList = {
      items: await deps.people.list(id),
      suggestions: await deps.people.suggestions(id),
    };
    res.json(body);
  });

  return router;
}
