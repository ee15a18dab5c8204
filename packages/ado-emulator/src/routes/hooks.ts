import { Request, Router } from 'express';
import { callerOf, orgOf } from '../auth';
import { RouteContext } from '../context';
import { WORK_ITEM_EVENT_TYPES } from '../deliveries/payloads';
import { EmulatorState } from '../state/EmulatorState';
import { Identity, Organization, Subscription } from '../state/model';
import { AdoError } from '../util/errors';
import { newGuid } from '../util/ids';

/** consumerInputs ADO never returns in clear. */
const SECRET_INPUTS = new Set([
  'httpHeaders',
  'basicAuthPassword',
  'password',
  'apiToken',
  'userToken',
]);

function subscriptionNotFound(id: string): AdoError {
  return new AdoError(
    404,
    'SubscriptionNotFoundException',
    `VS1101036: The subscription with id '${id}' does not exist.`,
  );
}

function toStrings(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined && v !== null) out[k] = String(v);
    }
  }
  return out;
}

/** Renders a subscription as the hooks API returns it, secrets masked. */
export function renderSubscription(
  state: EmulatorState,
  org: Organization,
  sub: Subscription,
) {
  const identity = (email: string) => {
    const i = state.findIdentity(email);
    return i
      ? {
          displayName: i.displayName,
          id: i.id,
          uniqueName: i.email,
          descriptor: i.descriptor,
        }
      : { id: email };
  };
  const consumerInputs = Object.fromEntries(
    Object.entries(sub.consumerInputs).map(([k, v]) => [
      k,
      SECRET_INPUTS.has(k) && v ? '********' : v,
    ]),
  );
  let host = '';
  try {
    host = new URL(sub.consumerInputs.url).host;
  } catch {
    host = sub.consumerInputs.url;
  }
  const filters = [
    sub.publisherInputs.workItemType &&
      `type ${sub.publisherInputs.workItemType}`,
    sub.publisherInputs.areaPath && `area path ${sub.publisherInputs.areaPath}`,
    sub.publisherInputs.changedFields &&
      `fields ${sub.publisherInputs.changedFields}`,
  ].filter(Boolean);
  return {
    id: sub.id,
    url: `${state.urls.org(org.name)}_apis/hooks/subscriptions/${sub.id}`,
    status: sub.status,
    publisherId: sub.publisherId,
    eventType: sub.eventType,
    resourceVersion: sub.resourceVersion,
    eventDescription:
      filters.length > 0
        ? `Work items with ${filters.join(', ')}`
        : 'Any work item',
    consumerId: sub.consumerId,
    consumerActionId: sub.consumerActionId,
    actionDescription: `To host ${host}`,
    probationRetries: sub.probationRetries,
    ...(sub.lastProbationRetryDate
      ? { lastProbationRetryDate: sub.lastProbationRetryDate }
      : {}),
    createdBy: identity(sub.createdBy),
    createdDate: sub.createdDate,
    modifiedBy: identity(sub.modifiedBy),
    modifiedDate: sub.modifiedDate,
    publisherInputs: {
      ...sub.publisherInputs,
      hostId: org.accountId,
      tfsSubscriptionId: sub.tfsSubscriptionId,
    },
    consumerInputs,
  };
}

function validate(state: EmulatorState, org: Organization, body: any) {
  if (!body || typeof body !== 'object') {
    throw new AdoError(
      400,
      'ArgumentException',
      'VS1101001: The subscription is required.',
    );
  }
  if (body.publisherId !== 'tfs') {
    throw new AdoError(
      400,
      'ServiceHookException',
      `VS1101034: The publisher '${body.publisherId}' is not supported.`,
    );
  }
  if (!WORK_ITEM_EVENT_TYPES.includes(body.eventType)) {
    throw new AdoError(
      400,
      'ServiceHookException',
      `VS1101035: The event type '${body.eventType}' is not supported.`,
    );
  }
  if (
    body.consumerId !== 'webHooks' ||
    body.consumerActionId !== 'httpRequest'
  ) {
    throw new AdoError(
      400,
      'ServiceHookException',
      `VS1101037: Only the webHooks consumer with the httpRequest action is supported.`,
    );
  }
  const url = body.consumerInputs?.url;
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
    throw new AdoError(
      400,
      'ServiceHookException',
      'VS1101038: The consumer input url must be an absolute http(s) URL.',
    );
  }
  const projectId = body.publisherInputs?.projectId;
  if (projectId && !state.project(org, String(projectId))) {
    throw new AdoError(
      400,
      'ServiceHookException',
      `VS1101039: The project '${projectId}' does not exist.`,
    );
  }
}

/** `{org}/_apis/hooks/subscriptions` CRUD. */
export function hooksRoutes({ state }: RouteContext): Router {
  const router = Router();

  const find = (org: Organization, id: string) => {
    const sub = org.subscriptions.get(id.toLowerCase());
    if (!sub) throw subscriptionNotFound(id);
    return sub;
  };

  const apply = (
    sub: Subscription,
    org: Organization,
    body: any,
    caller: Identity,
  ) => {
    const now = new Date().toISOString();
    const publisherInputs = toStrings(body.publisherInputs);
    delete publisherInputs.hostId;
    delete publisherInputs.tfsSubscriptionId;
    if (publisherInputs.projectId) {
      // ADO stores the project id even when a name was sent.
      publisherInputs.projectId = state.project(
        org,
        publisherInputs.projectId,
      )!.id;
    }
    Object.assign(sub, {
      publisherId: body.publisherId,
      eventType: body.eventType,
      resourceVersion: body.resourceVersion ?? '1.0',
      consumerId: body.consumerId,
      consumerActionId: body.consumerActionId,
      publisherInputs,
      consumerInputs: toStrings(body.consumerInputs),
      modifiedBy: caller.email,
      modifiedDate: now,
    });
  };

  router.post('/:org/_apis/hooks/subscriptions', (req, res) => {
    const org = orgOf(res);
    const caller = callerOf(res);
    validate(state, org, req.body);
    const now = new Date().toISOString();
    const sub = {
      id: newGuid(),
      org: org.name,
      status: 'enabled',
      probationRetries: 0,
      consecutiveFailures: 0,
      notificationCount: 0,
      createdBy: caller.email,
      createdDate: now,
      tfsSubscriptionId: newGuid(),
    } as Subscription;
    apply(sub, org, req.body, caller);
    org.subscriptions.set(sub.id, sub);
    res.json(renderSubscription(state, org, sub));
  });

  router.get('/:org/_apis/hooks/subscriptions', (req: Request, res) => {
    const org = orgOf(res);
    const q = req.query;
    const value = [...org.subscriptions.values()]
      .filter(s => !q.publisherId || s.publisherId === q.publisherId)
      .filter(s => !q.eventType || s.eventType === q.eventType)
      .filter(s => !q.consumerId || s.consumerId === q.consumerId)
      .map(s => renderSubscription(state, org, s));
    res.json({ count: value.length, value });
  });

  router.get('/:org/_apis/hooks/subscriptions/:id', (req, res) => {
    const org = orgOf(res);
    res.json(renderSubscription(state, org, find(org, req.params.id)));
  });

  router.put('/:org/_apis/hooks/subscriptions/:id', (req, res) => {
    const org = orgOf(res);
    const sub = find(org, req.params.id);
    validate(state, org, req.body);
    apply(sub, org, req.body, callerOf(res));
    // Replacing a subscription re-enables it, as saving it in the ADO UI does.
    sub.status = 'enabled';
    sub.probationRetries = 0;
    sub.consecutiveFailures = 0;
    res.json(renderSubscription(state, org, sub));
  });

  router.delete('/:org/_apis/hooks/subscriptions/:id', (req, res) => {
    const org = orgOf(res);
    find(org, req.params.id);
    org.subscriptions.delete(req.params.id.toLowerCase());
    res.status(204).end();
  });

  return router;
}
