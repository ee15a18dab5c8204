import type {
  Delivery,
  DeliveryStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

export interface InboxDeliveryInput {
  organizationId: string;
  eventType: string;
  workItemId: number | null;
  revision: number | null;
  payload: unknown;
  /** `payload` as the JSON text it arrived in, when the caller has it: stored as it is. */
  payloadJson?: string;
}

export interface InboxDelivery extends Delivery {
  payload: any;
}

/** Service hook deliveries, stored before they are acknowledged and applied after. */
export interface InboxStore {
  /**
   * Stores a delivery; `duplicate` when the same (org, event, work item, revision) is stored.
   * A delivery for a work item no issue links to is stored already settled (skipped); `queued`
   * says whether the processor has something to apply.
   */
  accept(
    input: InboxDeliveryInput,
  ): Promise<{ id: string; duplicate: boolean; queued: boolean }>;
  /**
   * Claims runnable deliveries: due, and lowest revision first per work item (no lower revision
   * of the same work item still open).
   */
  claim(worker: string, limit: number): Promise<InboxDelivery[]>;
  finish(
    id: string,
    status: 'applied' | 'skipped',
    outcome: string,
  ): Promise<void>;
  retryOrFail(id: string, error: string, retryAt: Date | null): Promise<void>;
  /** Refreshes the claim time of the rows `worker` holds (its heartbeat). */
  touch(worker: string): Promise<void>;
  releaseStale(olderThan: Date): Promise<number>;
  list(filter: {
    organizationId: string;
    status?: DeliveryStatus;
  }): Promise<Delivery[]>;
  get(id: string): Promise<InboxDelivery | undefined>;
  replay(id: string): Promise<boolean>;
  counts(): Promise<Record<string, number>>;
}
