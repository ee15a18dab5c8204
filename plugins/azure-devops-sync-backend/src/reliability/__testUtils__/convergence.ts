import type { Emulator } from '@internal/ado-emulator';
import express, { RequestHandler } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  API,
  captureHookDelivery,
  CapturedDelivery,
  rawRequest,
  RawResponse,
} from './harness';

export type { CapturedDelivery };

/**
 * Holds the plugin's work item reads and/or writes to ADO (`/_apis/wit/workitems…`) until
 * released: outbound jobs wait, while ADO edits (the emulator's `/_admin` routes), catalog and
 * user look-ups go through. `reads` holds every work item request (a job waits before it reads
 * the item), `writes` only the PATCH (a job has read the item and waits to write it, so an ADO
 * edit in between makes its `test /rev` fail).
 */
export class WorkItemGate {
  mode: 'open' | 'reads' | 'writes' = 'open';
  /** Requests through the gate not answered yet (held or on their way). */
  inflight = 0;
  private readonly held: Array<() => void> = [];

  get waiting(): number {
    return this.held.length;
  }

  readonly middleware: RequestHandler = (req, res, next) => {
    if (!/\/_apis\/wit\/workitems(\/|\?|$)/i.test(req.originalUrl)) {
      next();
      return;
    }
    this.inflight++;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        this.inflight--;
      }
    };
    res.once('finish', finish);
    res.once('close', finish);
    const blocked =
      this.mode === 'reads' || (this.mode === 'writes' && req.method !== 'GET');
    if (blocked) this.held.push(next);
    else next();
  };

  close(mode: 'reads' | 'writes') {
    this.mode = mode;
  }

  /** Opens the gate; held requests continue in arrival order. */
  open() {
    this.mode = 'open';
    for (const next of this.held.splice(0)) next();
  }
}

/**
 * Stands between the emulator's service hook and the plugin's webhook: records every delivery
 * and forwards it (the real path, in order) or, while holding, answers ADO 2xx and keeps it for
 * the test to post later: delayed, reordered or twice.
 */
export async function startDeliveryProxy(backendPort: number) {
  const captured: CapturedDelivery[] = [];
  const held: CapturedDelivery[] = [];
  const answers: Array<{ status: number; result?: string }> = [];
  let holding = false;
  let inflight = 0;

  const post = async (item: CapturedDelivery): Promise<RawResponse> => {
    const answer = await rawRequest(
      backendPort,
      'POST',
      `${API}/webhooks/workitem`,
      item.body,
      { 'content-type': 'application/json', 'shared-secret': item.secret },
    );
    answers.push({ status: answer.status, result: answer.body?.status });
    return answer;
  };

  const app = express();
  app.post(
    '/hook',
    express.raw({ type: () => true, limit: '5mb' }),
    async (req, res) => {
      const item = captureHookDelivery(req);
      captured.push(item);
      if (holding) {
        held.push(item);
        res.status(200).json({ held: true });
        return;
      }
      inflight++;
      try {
        const answer = await post(item);
        res.status(answer.status).send(answer.text);
      } finally {
        inflight--;
      }
    },
  );
  const server = await new Promise<Server>(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    captured,
    held,
    answers,
    get holding() {
      return holding;
    },
    get inflight() {
      return inflight;
    },
    hold() {
      holding = true;
    },
    stopHolding() {
      holding = false;
    },
    post,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export type DeliveryProxy = Awaited<ReturnType<typeof startDeliveryProxy>>;

/** One revision of a work item as ADO made it. */
export interface RevisionRecord {
  rev: number;
  state: string;
  assignee: string | null;
  by: string;
  comment?: string;
  /** System.ChangedDate of the revision, in ms. */
  changedAt: number;
}

/** Every revision the emulator makes, per work item, in order (ADO keeps no history here). */
export function recordRevisions(
  emulator: Emulator,
): Map<number, RevisionRecord[]> {
  const history = new Map<number, RevisionRecord[]>();
  emulator.state.onChange(change => {
    if (change.kind === 'deleted') return;
    const { after } = change;
    const assignee = after.fields['System.AssignedTo'];
    const list = history.get(after.id) ?? [];
    list.push({
      rev: after.rev,
      state: String(after.fields['System.State'] ?? ''),
      assignee: assignee ? String(assignee).toLowerCase() : null,
      by: change.by.email.toLowerCase(),
      comment: change.comment,
      changedAt: Date.parse(String(after.fields['System.ChangedDate'])),
    });
    history.set(after.id, list);
  });
  return history;
}
