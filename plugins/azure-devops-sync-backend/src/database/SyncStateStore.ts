/** What the sync remembers per work item: revisions it wrote, and the last revision applied. */
export interface SyncStateStore {
  /** Records a revision our outbound sync wrote, so its delivery is known as an echo. */
  recordWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
    fields: string[],
  ): Promise<void>;
  /** Drops a revision recorded ahead of a write that then failed. */
  forgetWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void>;
  isWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<boolean>;
  lastAppliedRevision(
    organizationId: string,
    workItemId: number,
  ): Promise<number>;
  /** Raises the last applied revision (never lowers it). */
  markApplied(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void>;
}
