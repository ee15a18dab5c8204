import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import { Knex } from 'knex';
import { setupServer } from 'msw/node';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { createTestDatabases } from '../__testUtils__/databases';
import { registerMswHooksAllowingLocal } from '../__testUtils__/fakeAdo';
import {
  API,
  connectFabrikam,
  mapPaymentsStatus,
  createBug,
  createIssues,
  linkIssue,
  printReportAfterAll,
  rawRequest,
  report,
  seedWithPat,
  startBackend,
  startLoggedEmulator,
  until,
  user,
} from './__testUtils__/harness';

/**
 * Secrets and access. A workload (connect, config, links, inbound deliveries, outbound jobs
 * through a 429, bad requests) runs against an emulator whose PAT is random; then every response
 * body and log line is searched for the PAT (raw and as a Basic header) and the webhook secret.
 * Config writes without the permission → 403, the webhook without the secret → 401, and an
 * organization whose stored base URL is unusable is not redirected by the account lookup to a host
 * off Azure DevOps (no request reaches it). The built frontend bundle is searched when
 * packages/app/dist exists.
 */
jest.setTimeout(300_000);

const msw = setupServer();
registerMswHooksAllowingLocal(msw);
const databases = createTestDatabases();
printReportAfterAll();

const outbound: string[] = [];
msw.events.on('request:start', ({ request }) => {
  outbound.push(`${request.method} ${request.url}`);
});

async function listen(app: express.Express): Promise<Server> {
  return new Promise(done => {
    const s = app.listen(0, '127.0.0.1', () => done(s));
  });
}
const portOf = (s: Server) => (s.address() as AddressInfo).port;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe.each(databases.eachSupportedId())(
  'reliability: secrets and access (%s)',
  databaseId => {
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      for (const close of closers.reverse()) await close();
    });

    it('leaks no PAT or webhook secret; 403 without permission; 401 without secret; no SSRF through the domain lookup', async () => {
      const started = Date.now();
      const pat = `relpat${randomBytes(12).toString('hex')}`;
      const knex: Knex = await databases.init(databaseId);
      const emu = await startLoggedEmulator({ seed: seedWithPat(pat) });
      closers.push(emu.close);

      // The account lookup host (configured) and a trap: the host a hostile lookup points at.
      const trapHits: string[] = [];
      const trap = express();
      trap.use((req, res) => {
        trapHits.push(`${req.method} ${req.originalUrl}`);
        res.json({});
      });
      const trapServer = await listen(trap);
      closers.push(
        () =>
          new Promise(r => {
            trapServer.closeAllConnections?.();
            trapServer.close(() => r());
          }),
      );
      let locationUrl = '';
      const lookupHits: string[] = [];
      const lookup = express();
      lookup.get('/_apis/resourceareas/:id', (req, res) => {
        lookupHits.push(req.originalUrl);
        res.json({
          id: '79134c72-4a58-4b42-976c-04e7115f32bf',
          name: 'Core',
          locationUrl,
        });
      });
      const lookupServer = await listen(lookup);
      closers.push(
        () =>
          new Promise(r => {
            lookupServer.closeAllConnections?.();
            lookupServer.close(() => r());
          }),
      );

      const logs: string[] = [];
      const responses: string[] = [];
      const integrations = [
        {
          host: new URL(emu.url).host,
          credentials: [{ personalAccessToken: pat }],
        },
        { host: 'dev.azure.com', credentials: [{ personalAccessToken: pat }] },
      ];
      const config = {
        accountLookupBaseUrl: `http://127.0.0.1:${portOf(lookupServer)}/`,
      };
      const backend = await startBackend({
        knex,
        integrations,
        config,
        logs,
        responses,
      });
      const denied = await startBackend({
        knex,
        integrations,
        config,
        logs,
        responses,
        permission: AuthorizeResult.DENY,
      });

      // ---- the workload ----
      const org = await connectFabrikam(backend, emu);
      await mapPaymentsStatus(backend, org);
      const [issueId] = await createIssues(backend, 1, 'Secret');
      const workItemId = await createBug(emu, 'secrets', 'New');
      await linkIssue(backend, issueId, org.organizationId, workItemId);
      await emu.admin(`/fabrikam/workitems/${workItemId}`, {
        as: 'carol@example.com',
        fields: { 'System.State': 'Committed' },
      });
      await emu.emulator.whenDeliveriesIdle();
      emu.emulator.knobs.set({
        throttle: { afterRequests: 0, retryAfterSeconds: 1, count: 2 },
        fail: { status: 503, count: 1 },
      });
      await backend.api
        .patch(`${API}/issues/${issueId}`)
        .set('Authorization', user)
        .send({ status: 'resolved' })
        .expect(200);
      await until(
        'the outbound job',
        async () =>
          (
            await knex('outbox_jobs').where({ issue_id: issueId })
          ).every(j => j.status === 'done'),
        { sweep: backend.sweep, ms: 60_000, everyMs: 250 },
      );
      emu.emulator.knobs.reset();
      for (const path of [
        '/organizations',
        `/organizations/${org.organizationId}`,
        `/organizations/${org.organizationId}/config`,
        `/organizations/${org.organizationId}/deliveries`,
        `/issues/${issueId}`,
        `/issues/${issueId}/activity`,
        `/issues?entityRef=component:default/payments-api`,
      ]) {
        await backend.api.get(`${API}${path}`).set('Authorization', user);
      }
      // ---- access ----
      const delivery = {
        eventType: 'workitem.updated',
        resourceContainers: {
          collection: { id: org.externalId },
          project: { id: org.paymentsProjectId },
        },
        resource: { workItemId, rev: 99, fields: {} },
      };
      const accessChecks = {
        configWithoutPermission: (
          await denied.api
            .put(`${API}/organizations/${org.organizationId}/config`)
            .set('Authorization', user)
            .send({ sync_comments: false })
        ).status,
        connectWithoutPermission: (
          await denied.api
            .post(`${API}/organizations`)
            .set('Authorization', user)
            .send({ name: 'fabrikam' })
        ).status,
        issueUpdateWithoutPermission: (
          await denied.api
            .patch(`${API}/issues/${issueId}`)
            .set('Authorization', user)
            .send({ status: 'ignored' })
        ).status,
        webhookWithoutSecret: (
          await rawRequest(
            backend.port,
            'POST',
            `${API}/webhooks/workitem`,
            JSON.stringify(delivery),
            { 'content-type': 'application/json' },
          )
        ).status,
        webhookWrongSecret: (
          await rawRequest(
            backend.port,
            'POST',
            `${API}/webhooks/workitem`,
            JSON.stringify(delivery),
            {
              'content-type': 'application/json',
              'shared-secret': `${org.secret.slice(0, -2)}xx`,
            },
          )
        ).status,
      };

      // ---- SSRF through the domain lookup ----
      const trapHost = `127.0.0.1:${portOf(trapServer)}`;
      const hostile = [
        `http://${trapHost}/fabrikam/`,
        'https://evil.example.com/fabrikam/',
        'https://dev.azure.com.evil.example.com/fabrikam/',
        'https://user:password@dev.azure.com/fabrikam/',
        'http://dev.azure.com/fabrikam/',
        'https://169.254.169.254/latest/',
        'file:///etc/passwd',
      ];
      const unusable = 'http://fabrikam.example.net/fabrikam/';
      const ssrf: Array<{
        locationUrl: string;
        status: number;
        requestsToHost: number;
        requests: string[];
        domainAfter: string;
      }> = [];
      for (const url of hostile) {
        locationUrl = url;
        await knex('organizations')
          .where({ id: org.organizationId })
          .update({ domain_name: unusable });
        const before = outbound.length;
        const res = await backend.api
          .get(`${API}/organizations/${org.organizationId}/config?refresh=true`)
          .set('Authorization', user);
        const host = (() => {
          try {
            return new URL(url).host;
          } catch {
            return url;
          }
        })();
        const row = await knex('organizations')
          .where({ id: org.organizationId })
          .first();
        ssrf.push({
          locationUrl: url,
          status: res.status,
          requestsToHost: outbound
            .slice(before)
            .filter(r => new URL(r.split(' ')[1]).host === host).length,
          requests: outbound.slice(before),
          domainAfter: row.domain_name,
        });
      }
      await knex('organizations')
        .where({ id: org.organizationId })
        .update({ domain_name: `${emu.url}/fabrikam/` });

      // ---- the search ----
      const needles: Record<string, string> = {
        pat,
        patBasic: Buffer.from(`:${pat}`).toString('base64'),
        webhookSecret: org.secret,
      };
      const haystacks: Record<string, string[]> = { logs, responses };
      const bundleDir = resolve(__dirname, '../../../../packages/app/dist');
      let bundleNote = 'packages/app/dist absent: bundle not searched';
      if (existsSync(bundleDir)) {
        const files = filesUnder(bundleDir).filter(f =>
          /\.(js|html|json|map|css)$/.test(f),
        );
        haystacks.bundle = files.map(f => readFileSync(f, 'utf8'));
        // The bundle is built from config, not from this run: search the demo PAT too.
        needles.demoPat = 'demo-pat';
        bundleNote = `searched ${files.length} bundle files`;
      } else {
        process.stderr.write(
          `\n[reliability] secrets (${databaseId}): ${bundleNote}\n`,
        );
      }
      const leaks: string[] = [];
      for (const [where, texts] of Object.entries(haystacks))
        for (const [what, needle] of Object.entries(needles)) {
          if (where !== 'bundle' && what === 'demoPat') continue;
          const hits = texts.filter(t => t.includes(needle));
          if (hits.length > 0)
            leaks.push(
              `${what} in ${where} (${hits.length}×): ${hits[0].slice(0, 300)}`,
            );
        }

      report(`secrets and access (${databaseId})`, {
        logLines: logs.length,
        responses: responses.length,
        leaks: leaks.length,
        access: accessChecks,
        ssrfAttempts: ssrf.length,
        ssrfAnswers: ssrf.map(x => x.status),
        ssrfRequestsToHostileHosts: ssrf.reduce(
          (n, s) => n + s.requestsToHost,
          0,
        ),
        trapHits: trapHits.length,
        lookupCalls: lookupHits.length,
        bundle: bundleNote,
        wallMs: Date.now() - started,
      });

      expect(logs.length).toBeGreaterThan(0);
      expect(responses.length).toBeGreaterThan(20);
      expect(leaks).toEqual([]);
      expect(accessChecks).toEqual({
        configWithoutPermission: 403,
        connectWithoutPermission: 403,
        issueUpdateWithoutPermission: 403,
        webhookWithoutSecret: 401,
        webhookWrongSecret: 401,
      });
      // The lookup was asked each time, and nothing went to the hosts it named.
      expect(lookupHits.length).toBeGreaterThanOrEqual(hostile.length);
      expect(trapHits).toEqual([]);
      for (const attempt of ssrf) {
        expect(attempt).toMatchObject({
          requestsToHost: 0,
          domainAfter: unusable,
        });
      }
    });
  },
);
