import { EmulatorState, WorkItemChange } from '../state/EmulatorState';
import { Subscription } from '../state/model';
import { buildPayload, WorkItemEventType } from './payloads';

/** One notification sent (or being sent) to one subscription. */
export interface DeliveryRecord {
  id: number;
  subscriptionId: string;
  notificationId: number;
  eventType: string;
  workItemId: number;
  rev: number;
  url: string;
  status: 'pending' | 'succeeded' | 'failed' | 'dropped';
  /** Status code of the last attempt (undefined for connection errors). */
  statusCode?: number;
  attempts: number;
  attemptLog: { at: string; statusCode?: number; error?: string }[];
  createdDate: string;
  completedDate?: string;
}

export interface DispatcherOptions {
  /** Delay before each retry; its length is the number of retries per notification. */
  retryDelaysMs: number[];
  /** Failed notifications in a row (transient failures only) that disable a subscription. */
  maxConsecutiveFailures: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

interface Pending {
  record: DeliveryRecord;
  body: unknown;
}

const TRANSIENT = new Set([408, 502, 503, 504]);
const DISABLED = new Set([
  'disabledBySystem',
  'disabledByUser',
  'disabledByInactiveIdentity',
]);

/** Parses ADO's httpHeaders input: `Name:value` lines. */
export function parseHttpHeaders(
  text: string | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of (text ?? '').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * Sends service hook notifications. Work item changes fan out to matching
 * subscriptions; each subscription has its own queue, sent one at a time in
 * order, after the API call that caused them has answered.
 */
export class DeliveryDispatcher {
  readonly log: DeliveryRecord[] = [];
  private readonly queues = new Map<string, Pending[]>();
  private readonly running = new Map<string, Promise<void>>();
  private nextId = 1;
  private generation = 0;

  constructor(
    private readonly state: EmulatorState,
    readonly options: DispatcherOptions,
  ) {
    state.onChange(change => this.onChange(change));
  }

  /** Forgets queued notifications and the log (admin reset). */
  reset(): void {
    this.generation += 1;
    this.queues.clear();
    this.log.length = 0;
  }

  /** Resolves once every queue is empty. */
  async whenIdle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.all([...this.running.values()]);
    }
  }

  private onChange(change: WorkItemChange): void {
    const events: WorkItemEventType[] = [];
    if (change.kind === 'created') events.push('workitem.created');
    if (change.kind === 'updated') events.push('workitem.updated');
    if (change.kind === 'deleted') events.push('workitem.deleted');
    if (change.kind === 'restored') events.push('workitem.restored');
    if (
      change.comment &&
      (change.kind === 'created' || change.kind === 'updated')
    )
      events.push('workitem.commented');
    for (const eventType of events) {
      for (const sub of change.org.subscriptions.values()) {
        if (this.matches(sub, eventType, change))
          this.enqueue(sub, eventType, change);
      }
    }
  }

  private matches(
    sub: Subscription,
    eventType: WorkItemEventType,
    change: WorkItemChange,
  ): boolean {
    if (sub.eventType !== eventType || DISABLED.has(sub.status)) return false;
    const inputs = sub.publisherInputs;
    const wi = change.after;
    if (
      inputs.projectId &&
      inputs.projectId.toLowerCase() !== wi.projectId.toLowerCase()
    ) {
      return false;
    }
    const type = String(wi.fields['System.WorkItemType']);
    if (
      inputs.workItemType &&
      inputs.workItemType.toLowerCase() !== type.toLowerCase()
    )
      return false;
    if (inputs.areaPath) {
      const want = inputs.areaPath.replace(/^\\+/, '').toLowerCase();
      const area = String(wi.fields['System.AreaPath'] ?? '').toLowerCase();
      if (area !== want && !area.startsWith(`${want}\\`)) return false;
    }
    if (
      eventType === 'workitem.updated' &&
      inputs.changedFields &&
      change.before
    ) {
      const wanted = inputs.changedFields
        .split(',')
        .map(f => f.trim().toLowerCase())
        .filter(Boolean);
      const changed = new Set(
        Object.keys({ ...change.before.fields, ...wi.fields })
          .filter(
            k =>
              JSON.stringify(change.before!.fields[k]) !==
              JSON.stringify(wi.fields[k]),
          )
          .map(k => k.toLowerCase()),
      );
      if (change.comment) changed.add('system.history');
      if (wanted.length > 0 && !wanted.some(f => changed.has(f))) return false;
    }
    if (eventType === 'workitem.commented' && inputs.commentPattern) {
      if (
        !(change.comment ?? '')
          .toLowerCase()
          .includes(inputs.commentPattern.toLowerCase())
      ) {
        return false;
      }
    }
    return true;
  }

  private enqueue(
    sub: Subscription,
    eventType: WorkItemEventType,
    change: WorkItemChange,
  ): void {
    sub.notificationCount += 1;
    const body = buildPayload(
      this.state,
      sub,
      eventType,
      change,
      sub.notificationCount,
    );
    const record: DeliveryRecord = {
      id: this.nextId++,
      subscriptionId: sub.id,
      notificationId: sub.notificationCount,
      eventType,
      workItemId: change.after.id,
      rev: change.after.rev,
      url: sub.consumerInputs.url,
      status: 'pending',
      attempts: 0,
      attemptLog: [],
      createdDate: new Date().toISOString(),
    };
    this.log.push(record);
    const queue = this.queues.get(sub.id) ?? [];
    queue.push({ record, body });
    this.queues.set(sub.id, queue);
    if (!this.running.has(sub.id)) {
      const run = this.drain(sub, this.generation).finally(() =>
        this.running.delete(sub.id),
      );
      this.running.set(sub.id, run);
    }
  }

  private async drain(sub: Subscription, generation: number): Promise<void> {
    // Let the API response go out first, as ADO delivers asynchronously.
    await new Promise(resolve => setImmediate(resolve));
    const queue = this.queues.get(sub.id);
    while (queue && queue.length > 0 && generation === this.generation) {
      const next = queue[0];
      if (!this.isLive(sub)) {
        for (const p of queue) this.finish(p.record, 'dropped');
        queue.length = 0;
        break;
      }
      await this.deliver(sub, next, generation);
      queue.shift();
    }
  }

  private isLive(sub: Subscription): boolean {
    const org = this.state.orgs.get(sub.org.toLowerCase());
    return org?.subscriptions.get(sub.id) === sub && !DISABLED.has(sub.status);
  }

  private finish(record: DeliveryRecord, status: DeliveryRecord['status']) {
    record.status = status;
    record.completedDate = new Date().toISOString();
  }

  private async deliver(
    sub: Subscription,
    pending: Pending,
    generation: number,
  ): Promise<void> {
    const { record } = pending;
    const delays = this.options.retryDelaysMs;
    for (let attempt = 0; ; attempt++) {
      const result = await this.send(sub, pending.body);
      record.attempts += 1;
      record.statusCode = result.status;
      record.attemptLog.push({
        at: new Date().toISOString(),
        statusCode: result.status,
        error: result.error,
      });
      const now = new Date().toISOString();
      if (
        result.status !== undefined &&
        result.status >= 200 &&
        result.status < 300
      ) {
        sub.status = 'enabled';
        sub.probationRetries = 0;
        sub.consecutiveFailures = 0;
        this.finish(record, 'succeeded');
        return;
      }
      if (result.status === 410) {
        sub.status = 'disabledBySystem';
        sub.modifiedDate = now;
        this.finish(record, 'failed');
        return;
      }
      const transient =
        result.status === undefined || TRANSIENT.has(result.status);
      if (!transient) {
        sub.status = 'onProbation';
        sub.probationRetries += 1;
        sub.lastProbationRetryDate = now;
      }
      if (attempt >= delays.length) {
        this.finish(record, 'failed');
        sub.consecutiveFailures += 1;
        if (
          sub.status === 'onProbation' ||
          sub.consecutiveFailures >= this.options.maxConsecutiveFailures
        ) {
          sub.status = 'disabledBySystem';
          sub.modifiedDate = now;
        }
        return;
      }
      await new Promise(resolve => setTimeout(resolve, delays[attempt]));
      if (generation !== this.generation || !this.isLive(sub)) {
        this.finish(record, 'dropped');
        return;
      }
    }
  }

  private async send(
    sub: Subscription,
    body: unknown,
  ): Promise<{ status?: number; error?: string }> {
    const headers: Record<string, string> = {
      ...parseHttpHeaders(sub.consumerInputs.httpHeaders),
      'Content-Type': 'application/json; charset=utf-8',
    };
    if (
      sub.consumerInputs.basicAuthUsername ||
      sub.consumerInputs.basicAuthPassword
    ) {
      const user = sub.consumerInputs.basicAuthUsername ?? '';
      const pass = sub.consumerInputs.basicAuthPassword ?? '';
      headers.Authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString(
        'base64',
      )}`;
    }
    try {
      const res = await fetch(sub.consumerInputs.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return { status: res.status };
    } catch (e) {
      return { error: String((e as Error)?.message ?? e) };
    }
  }
}
