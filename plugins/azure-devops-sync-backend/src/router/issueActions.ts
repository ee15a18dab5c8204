import { InputError, NotFoundError } from '@backstage/errors';
import {
  ActivitySource,
  azureDevOpsSyncIssueUpdatePermission,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { Request } from 'express';
import Router from 'express-promise-router';
import { z } from 'zod/v4';
import { parseEntityRef } from '@backstage/catalog-model';
import { IssueStore } from '../database/IssueStore';
import { IssueService } from '../issues/IssueService';
import { UserDirectory } from '../service/UserDirectory';
import { WorkItemLinker } from '../service/WorkItemLinker';
import { principalRef, RouteAuthorizer } from '../http/permissions';
import { parseInput } from '../http/validation';

const patchSchema = z
  .object({
    status: z.enum(['unresolved', 'resolved', 'ignored']).optional(),
    assignee: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .refine(isUserRef, {
        message: 'must be a User entity ref, e.g. user:default/alice',
      })
      .nullable()
      .optional(),
  })
  .strict()
  .refine(b => b.status !== undefined || b.assignee !== undefined, {
    message: 'give status and/or assignee',
  });

/** `user:[namespace/]name`: an e-mail or a bare name is not an entity ref. */
function isUserRef(ref: string): boolean {
  try {
    return parseEntityRef(ref).kind.toLowerCase() === 'user';
  } catch {
    return false;
  }
}

const commentSchema = z
  .object({ text: z.string().trim().min(1).max(10_000) })
  .strict();

const linkSchema = z.union([
  z
    .object({
      organizationId: z.string().min(1),
      // A JSON number: "12" or true is refused, not coerced (ADO ids are Int32).
      workItemId: z
        .number()
        .int()
        .min(1)
        .max(2 ** 31 - 1),
    })
    .strict(),
  z
    .object({
      organizationId: z.string().min(1),
      create: z
        .object({
          project: z.string().trim().min(1, 'Project is required.').max(256),
          workItemType: z.string().trim().min(1).max(256),
          title: z.string().max(10_000).optional(),
          description: z.string().max(100_000).optional(),
          areaPath: z.string().max(4000).optional(),
          tags: z.array(z.string().min(1).max(400)).max(50).optional(),
        })
        .strict(),
    })
    .strict(),
]);

/** `PATCH /issues/:id`, `POST /issues/:id/comments`, `POST /issues/:id/links`. */
/** The name part of an entity ref; a principal that is no entity ref (a service) as it is. */
function nameOf(ref: string): string {
  try {
    return parseEntityRef(ref).name;
  } catch {
    return ref;
  }
}

export function issueActionsRouter(deps: {
  issues: IssueStore;
  issueService: IssueService;
  users: UserDirectory;
  linker: WorkItemLinker;
  authorizer: RouteAuthorizer;
}) {
  const router = Router();

  const actor = async (
    req: Request,
  ): Promise<ActivitySource & { kind: 'user' }> => {
    const credentials = await deps.authorizer.require(
      req,
      azureDevOpsSyncIssueUpdatePermission,
    );
    return { kind: 'user', userEntityRef: principalRef(credentials) };
  };
  const requireIssue = async (id: string) => {
    const issue = await deps.issues.get(id);
    if (!issue) throw new NotFoundError(`No issue with id ${id}`);
    return issue;
  };

  router.patch('/issues/:id', async (req, res) => {
    const source = await actor(req);
    const body = parseInput(patchSchema, req.body, 'issue update');
    await requireIssue(req.params.id);
    if (body.assignee) {
      const profile = await deps.users.profile(body.assignee);
      if (!profile) {
        throw new InputError(
          `${body.assignee} is not a User entity in the catalog`,
        );
      }
    }
    const result = await deps.issueService.applyChange(req.params.id, body, {
      source,
      sendToAdo: true,
    });
    res.json(result.issue);
  });

  router.post('/issues/:id/comments', async (req, res) => {
    const source = await actor(req);
    const { text } = parseInput(commentSchema, req.body, 'comment');
    const issue = await requireIssue(req.params.id);
    // "Jane Doe wrote:" in ADO; a user without a User entity (the demo's guest) by name.
    const author =
      (await deps.users.profile(source.userEntityRef))?.displayName ??
      nameOf(source.userEntityRef);
    const activity = await deps.issueService.addComment(
      issue.id,
      text,
      source,
      author,
    );
    res.status(201).json(activity);
  });

  router.post('/issues/:id/links', async (req, res) => {
    const source = await actor(req);
    const body = parseInput(linkSchema, req.body, 'link');
    const issue = await requireIssue(req.params.id);
    const result =
      'create' in body
        ? await deps.linker.createAndLink(
            issue,
            body.organizationId,
            body.create,
            source,
          )
        : await deps.linker.linkExisting(
            issue,
            body.organizationId,
            body.workItemId,
            source,
          );
    res.status(result.created ? 201 : 200).json(await requireIssue(issue.id));
  });

  return router;
}
