/** Fields our outbound sync wrote in one revision: field → value written (null = removed). */
export type WrittenFields = Record<string, unknown>;

export interface WrittenRevision {
  fields: WrittenFields;
  confirmed: boolean;
}

/** What the sync remembers per work item: revisions it wrote, and the last revision applied. */
export interface SyncStateStore {
  /** Records a revision our outbound sync wrote and the values it wrote, to know its echo. */
  recordWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
    fields: WrittenFields,
  ): Promise<void>;
  /** Marks a recorded revision as proved ours by ADO's answer to the PATCH. */
  confirmWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void>;
  /** Drops a revision recorded ahead of a write that then failed. */
  forgetWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void>;
  /**
   * The revisions we wrote (or are writing) to a work item from `fromRevision` on: what each
   * wrote, and whether ADO's answer confirmed it.
   */
  writtenRevisions(
    organizationId: string,
    workItemId: number,
    fromRevision: number,
  ): Promise<Map<number, WrittenRevision>>;
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
