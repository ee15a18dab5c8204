import express from 'express';
import Router from 'express-promise-router';
import { InboxStore } from '../database/InboxStore';
import { IssueStore } from '../database/IssueStore';
import { IssueService } from '../issues/IssueService';
import { OrganizationStore } from '../database/OrganizationStore';
import { OutboxStore } from '../database/OutboxStore';
import { AdoClientFactory } from '../service/AdoClientFactory';
import { OrganizationConnector } from '../service/OrganizationConnector';
import { OrgConfigService } from '../service/OrgConfigService';
import { ProjectCatalogService } from '../service/ProjectCatalogService';
import { UserDirectory } from '../service/UserDirectory';
import { WorkItemLinker } from '../service/WorkItemLinker';
import { translateAdoErrors } from './adoErrors';
import { jsonBody } from '../http/jsonBody';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { ErrorEventIngestor } from '../errorEvents/ErrorEventIngestor';
import { deliveriesRouter } from './deliveries';
import { errorEventsRouter } from '../errorEvents/errorEventsRouter';
import { issuesRouter } from './issues';
import { issueActionsRouter } from './issueActions';
import { issueLinksRouter } from './issueLinks';
import { organizationsRouter } from './organizations';
import { orgConfigRouter } from './orgConfig';
import { RouteAuthorizer } from '../http/permissions';
import { EntityRateLimiter } from '../sdkIngest/EntityRateLimiter';
import { SdkKeyService } from '../sdkIngest/SdkKeyService';
import { sdkKeysRouter } from '../sdkIngest/sdkKeysRouter';
import { sentryIngestRouter } from '../sdkIngest/sentryIngestRouter';
import { webhooksRouter } from './webhooks';
import { AckPriority } from '../queue/AckPriority';
import { workItemsRouter } from './workItems';
import { BoardsService } from '../boards/BoardsService';
import { boardsRouter } from '../boards/boardsRouter';
import { PeopleStore } from '../database/PeopleStore';
import { peopleRouter } from '../people/peopleRouter';

export interface RouterOptions {
  organizations: OrganizationStore;
  clients: AdoClientFactory;
  connector: OrganizationConnector;
  orgConfig: OrgConfigService;
  authorizer: RouteAuthorizer;
  inbox: InboxStore;
  outbox: OutboxStore;
  issues: IssueStore;
  issueService: IssueService;
  users: UserDirectory;
  /** ADO identity ↔ catalog user mappings. */
  people: PeopleStore;
  /** An entity's Boards work items (`GET /work-items`). */
  boards: BoardsService;
  linker: WorkItemLinker;
  catalogs: ProjectCatalogService;
  errorEvents: ErrorEventIngestor;
  /** Sentry-SDK ingest: keys, the per-entity rate and the feature switch. */
  sdkKeys: SdkKeyService;
  sdkRateLimiter: EntityRateLimiter;
  sdkIngestEnabled: boolean;
  catalog: CatalogService;
  eventsService?: EventsService;
  /** Wakes the inbox processor. */
  onDeliveryAccepted: () => void;
  /** Told of every webhook request: applying gives way to acknowledging. */
  ackPriority: AckPriority;
  /** Wakes the outbox worker (a replayed job). */
  onJobQueued: () => void;
}

/** The plugin's HTTP API; one router per resource. Errors go to Backstage's error middleware. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();

  // The webhook reads its own raw body (for its own limit and messages), so it comes first.
  router.use(
    webhooksRouter({
      organizations: options.organizations,
      inbox: options.inbox,
      onAccepted: options.onDeliveryAccepted,
      ackPriority: options.ackPriority,
    }),
  );

  // Event batches have their own, larger body limit.
  router.use(errorEventsRouter({ ...options, events: options.errorEvents }));
  // SDKs send envelopes, often compressed: read and limited by the route itself.
  router.use(sentryIngestRouter({ ...options, events: options.errorEvents }));
  router.use(jsonBody({ limit: '1mb' }));
  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.use(organizationsRouter(options));
  router.use(orgConfigRouter(options));
  router.use(workItemsRouter(options));
  router.use(boardsRouter(options));
  router.use(peopleRouter(options));
  router.use(issueActionsRouter(options));
  router.use(issueLinksRouter(options));
  router.use(
    deliveriesRouter({
      ...options,
      onReplayDelivery: options.onDeliveryAccepted,
      onReplayJob: options.onJobQueued,
    }),
  );
  router.use(issuesRouter(options));
  router.use(sdkKeysRouter(options));
  router.use(translateAdoErrors);

  return router;
}
