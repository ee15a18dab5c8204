import { mockErrorHandler, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import request from 'supertest';
import {
  createTestDatabases,
  initDatabaseService,
} from '../__testUtils__/databases';
import { createStores } from '../database/createStores';
import { toIso } from '../database/tables';
import { DatabaseErrorEventStore } from '../errorEvents/DatabaseErrorEventStore';
import { parseErrorEventBody } from '../errorEvents/parseErrorEvents';
import { RouteAuthorizer } from '../http/permissions';
import { IssueService } from '../issues/IssueService';
import { issueLinksRouter } from './issueLinks';
import { issuesRouter } from './issues';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ENTITY = 'component:default/payments-api';
const ALICE = { kind: 'user' as const, userEntityRef: 'user:default/alice' };
// What mockServices.httpAuth() authenticates every request as.
const CALLER = 'user:default/mock';

describe.each(databases.eachSupportedId())(
  'issue link routes (%s)',
  databaseId => {
    async function setup(
      options: {
        permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
      } = {},
    ) {
      const { database } = await initDatabaseService(databases, databaseId);
      const { knex, issues, outbox, organizations } = await createStores({
        database,
      });
      const issueService = new IssueService({ issues, outbox });
      const { events } = parseErrorEventBody([
        { entityRef: ENTITY, message: 'Payment failed', timestamp: 1795000000 },
        { entityRef: ENTITY, message: 'Disk full', timestamp: 1795000100 },
      ]);
      const { events: saved } = await knex.transaction(tx =>
        new DatabaseErrorEventStore(knex).saveIn(tx, events),
      );
      const [issueId, otherIssueId] = saved.map(e => e.issueId!);
      const org = await organizations.createOrGet({
        name: 'fabrikam',
        externalId: 'c3f5a4c2-5d4b-4a6e-9f4e-0e8f3b1a2d10',
        domainName: 'https://dev.azure.com/fabrikam/',
      });
      const link = async (id: string, workItemId: number) =>
        issueService.addLink(
          {
            issueId: id,
            organizationId: org.id,
            workItemId,
            projectId: 'p1',
            projectName: 'Payments',
            workItemType: 'Bug',
            title: `Bug ${workItemId}`,
            state: 'New',
            url: `https://dev.azure.com/fabrikam/_workitems/edit/${workItemId}`,
            displayName: `Payments#${workItemId}`,
          },
          ALICE,
        );
      await link(issueId, 42);
      const authorizer = new RouteAuthorizer(
        mockServices.httpAuth(),
        mockServices.permissions({
          result: options.permission ?? AuthorizeResult.ALLOW,
        }),
      );
      const app = express()
        .use(issueLinksRouter({ issueService, authorizer }))
        .use(issuesRouter({ issues, authorizer }))
        .use(mockErrorHandler());
      const api = request(app);
      const linkPath = `/issues/${issueId}/links/${org.id}/42`;
      const syncOf = async () => {
        const res = await api.get(`/issues/${issueId}`).expect(200);
        return res.body.links[0].sync;
      };
      const resolve = () =>
        issueService.applyChange(
          issueId,
          { status: 'resolved' },
          { source: ALICE, sendToAdo: true },
        );
      /** What the outbox worker does with the job it claims: `finish` it as ADO answered. */
      const runJob = async (
        finish: (id: string) => Promise<void>,
      ): Promise<string> => {
        // A job waiting to retry is made due: time passes.
        await knex('outbox_jobs').update({ next_attempt_at: new Date(0) });
        const [job] = await outbox.claim('test-worker', 1);
        expect(job).toBeDefined();
        await finish(job.id);
        return job.id;
      };
      return {
        knex,
        api,
        org,
        issueId,
        otherIssueId,
        issues,
        issueService,
        outbox,
        link,
        linkPath,
        syncOf,
        resolve,
        runJob,
      };
    }

    it('shows a link with no change sent yet as synced since it was linked', async () => {
      const t = await setup();
      const [row] = await t.knex('issue_links').select('created_at');
      const sync = await t.syncOf();
      expect(sync).toEqual({ status: 'synced', updatedAt: expect.any(String) });
      // The link's own creation time.
      expect(sync.updatedAt).toBe(toIso(row.created_at));
    });

    it('follows a change from pending through retries to failed, and a retry to synced', async () => {
      const t = await setup();
      // The change's own answer already shows it on its way.
      const { issue } = await t.resolve();
      expect(issue.links[0].sync.status).toBe('pending');
      expect(await t.syncOf()).toEqual({
        status: 'pending',
        updatedAt: expect.any(String),
      });

      const nextTry = new Date(Date.now() + 60_000);
      const jobId = await t.runJob(id =>
        t.outbox.retryOrFail(
          id,
          'Azure DevOps answered HTTP 500: VS800075: down',
          nextTry,
        ),
      );
      expect(await t.syncOf()).toEqual({
        status: 'pending',
        reason: `Azure DevOps answered HTTP 500: VS800075: down; next try at ${nextTry.toISOString()}`,
        updatedAt: expect.any(String),
      });
      // The list shows the same state.
      const list = await t.api.get('/issues').query({ entityRef: ENTITY });
      const listed = list.body.items.find((i: any) => i.id === t.issueId);
      expect(listed.links[0].sync.status).toBe('pending');
      expect(listed.links[0].sync.reason).toContain('HTTP 500');
      // Nothing to retry while it is still being tried.
      const early = await t.api.post(`${t.linkPath}/retry`);
      expect(early.status).toBe(409);
      expect(early.body.error.message).toMatch(/Nothing to retry.*pending/);

      await t.runJob(id =>
        t.outbox.retryOrFail(
          id,
          'Azure DevOps answered HTTP 500: VS800075: still down',
          null,
        ),
      );
      const failed = await t.syncOf();
      expect(failed).toEqual({
        status: 'failed',
        reason: 'Azure DevOps answered HTTP 500: VS800075: still down',
        updatedAt: expect.any(String),
      });

      const retried = await t.api.post(`${t.linkPath}/retry`);
      expect(retried.status).toBe(202);
      expect(retried.body.id).toBe(t.issueId);
      expect(retried.body.links[0]).toMatchObject({
        workItemId: 42,
        sync: { status: 'pending' },
      });
      expect(retried.body.links[0].sync.reason).toBeUndefined();
      // A new job with the same change; the failed one stays as it ended.
      const jobs = await t.outbox.list({});
      expect(jobs.map(j => [j.status, j.payload])).toEqual([
        ['pending', { kind: 'status', status: 'resolved' }],
        ['failed', { kind: 'status', status: 'resolved' }],
      ]);
      expect(jobs[1].id).toBe(jobId);

      await t.runJob(id => t.outbox.complete(id, 'done', 'State set to Done'));
      const synced = await t.syncOf();
      expect(synced).toEqual({
        status: 'synced',
        updatedAt: expect.any(String),
      });
      expect(Date.parse(synced.updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(failed.updatedAt),
      );
      const again = await t.api.post(`${t.linkPath}/retry`);
      expect(again.status).toBe(409);
      expect(again.body.error.message).toMatch(/Nothing to retry.*synced/);
    });

    it('shows the rule that skipped a change, retries it, and counts "already there" as synced', async () => {
      const t = await setup();
      await t.resolve();
      await t.runJob(id =>
        t.outbox.complete(
          id,
          'skipped',
          'No status mapping for project Payments',
        ),
      );
      expect(await t.syncOf()).toEqual({
        status: 'skipped',
        reason: 'No status mapping for project Payments',
        updatedAt: expect.any(String),
      });

      const retried = await t.api.post(`${t.linkPath}/retry`);
      expect(retried.status).toBe(202);
      expect(retried.body.links[0].sync.status).toBe('pending');
      await t.runJob(id =>
        t.outbox.complete(id, 'skipped', 'Already in state Done'),
      );
      expect(await t.syncOf()).toEqual({
        status: 'synced',
        updatedAt: expect.any(String),
      });

      // A later change skipped because sync is off is shown with that rule.
      await t.issueService.applyChange(
        t.issueId,
        { status: 'unresolved' },
        { source: ALICE, sendToAdo: true },
      );
      await t.runJob(id =>
        t.outbox.complete(
          id,
          'skipped',
          'Status sync to Azure DevOps is off (no project mapping)',
        ),
      );
      expect(await t.syncOf()).toMatchObject({
        status: 'skipped',
        reason: 'Status sync to Azure DevOps is off (no project mapping)',
      });
    });

    it('reads every link of an issue list in a fixed number of queries', async () => {
      const t = await setup();
      await t.link(t.otherIssueId, 43);
      await t.link(t.otherIssueId, 44);
      await t.resolve();
      const count = async () => {
        let queries = 0;
        const onQuery = () => {
          queries++;
        };
        t.knex.on('query', onQuery);
        const res = await t.api.get('/issues').query({ entityRef: ENTITY });
        t.knex.off('query', onQuery);
        return { queries, body: res.body };
      };
      const { queries, body } = await count();
      expect(
        body.items.flatMap((i: any) =>
          i.links.map((l: any) => [l.workItemId, l.sync.status]),
        ),
      ).toEqual(
        expect.arrayContaining([
          [42, 'pending'],
          [43, 'synced'],
          [44, 'synced'],
        ]),
      );
      // Issues, links, jobs: the same for two issues as it would be for a thousand.
      expect(queries).toBe(3);
    });

    it('unlinks without touching ADO: 204, an activity, and its unsent jobs skipped', async () => {
      const t = await setup();
      await t.link(t.issueId, 43);
      await t.resolve();
      const res = await t.api.delete(t.linkPath);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');

      const issue = (await t.api.get(`/issues/${t.issueId}`)).body;
      expect(issue.links.map((l: any) => l.workItemId)).toEqual([43]);
      const activity = (await t.api.get(`/issues/${t.issueId}/activity`)).body;
      expect(activity.items[0]).toMatchObject({
        type: 'unlinked',
        source: { kind: 'user', userEntityRef: CALLER },
        data: {
          organizationId: t.org.id,
          workItemId: 42,
          url: 'https://dev.azure.com/fabrikam/_workitems/edit/42',
          displayName: 'Payments#42',
        },
      });
      // The job for 42 never runs; the one for 43 still does.
      const jobs = await t.outbox.list({});
      expect(jobs.map(j => [j.workItemId, j.status, j.outcome]).sort()).toEqual(
        [
          [42, 'skipped', 'The work item was unlinked from the issue'],
          [43, 'pending', null],
        ],
      );
      const claimed = await t.outbox.claim('test-worker', 10);
      expect(claimed.map(j => j.workItemId)).toEqual([43]);

      expect((await t.api.delete(t.linkPath)).status).toBe(404);
      expect((await t.api.post(`${t.linkPath}/retry`)).status).toBe(404);

      // Linked again, it starts afresh: the skip of the old link is not its state.
      await t.link(t.issueId, 42);
      const relinked = (await t.api.get(`/issues/${t.issueId}`)).body.links;
      expect(relinked.find((l: any) => l.workItemId === 42).sync.status).toBe(
        'synced',
      );
    });

    it('keeps a job skipped by an unlink while it ran, when that run fails', async () => {
      const t = await setup();
      await t.resolve();
      const [running] = await t.outbox.claim('test-worker', 1);
      expect((await t.api.delete(t.linkPath)).status).toBe(204);
      await t.outbox.retryOrFail(
        running.id,
        'Azure DevOps answered HTTP 500: down',
        new Date(),
      );
      expect(await t.outbox.get(running.id)).toMatchObject({
        status: 'skipped',
        outcome: 'The work item was unlinked from the issue',
      });
      expect(await t.outbox.claim('test-worker', 1)).toEqual([]);
    });

    it('refuses to retry a link whose work item was deleted in ADO', async () => {
      const t = await setup();
      await t.resolve();
      await t.runJob(id => t.outbox.retryOrFail(id, 'gone', null));
      await t.issues.updateLinks(t.org.id, 42, { broken: true });
      const res = await t.api.post(`${t.linkPath}/retry`);
      expect(res.status).toBe(409);
      expect(res.body.error.message).toMatch(/deleted in Azure DevOps/);
      expect(await t.outbox.list({ status: 'pending' })).toEqual([]);
    });

    it('answers 404 for an unknown issue, organization or work item', async () => {
      const t = await setup();
      for (const path of [
        `/issues/nope/links/${t.org.id}/42`,
        `/issues/${t.issueId}/links/other-org/42`,
        `/issues/${t.issueId}/links/${t.org.id}/43`,
        `/issues/${t.otherIssueId}/links/${t.org.id}/42`,
      ]) {
        const retry = await t.api.post(`${path}/retry`);
        expect([path, retry.status]).toEqual([path, 404]);
        const unlink = await t.api.delete(path);
        expect([path, unlink.status]).toEqual([path, 404]);
      }
      expect((await t.api.get(`/issues/${t.issueId}`)).body.links).toHaveLength(
        1,
      );
    });

    it('answers 400 for a work item id that is not one, changing nothing', async () => {
      const t = await setup();
      for (const id of ['abc', '0', '-1', '1.5', '1e3', '2147483648']) {
        const path = `/issues/${t.issueId}/links/${t.org.id}/${id}`;
        for (const res of [
          await t.api.post(`${path}/retry`),
          await t.api.delete(path),
        ]) {
          expect([id, res.status]).toEqual([id, 400]);
          expect(res.body.error.message).toContain('workItemId');
        }
      }
      expect((await t.api.get(`/issues/${t.issueId}`)).body.links).toHaveLength(
        1,
      );
    });

    it('needs issue.update: 403 and nothing changes', async () => {
      const t = await setup({ permission: AuthorizeResult.DENY });
      await t.resolve();
      await t.runJob(id => t.outbox.retryOrFail(id, 'gone', null));
      for (const res of [
        await t.api.post(`${t.linkPath}/retry`),
        await t.api.delete(t.linkPath),
      ]) {
        expect(res.status).toBe(403);
        expect(res.body.error.message).toContain(
          'azure-devops-sync.issue.update',
        );
      }
      // Reading needs no permission: the link and its failed state are still there.
      expect(await t.syncOf()).toMatchObject({
        status: 'failed',
        reason: 'gone',
      });
      expect(await t.outbox.list({ status: 'pending' })).toEqual([]);
    });
  },
);
