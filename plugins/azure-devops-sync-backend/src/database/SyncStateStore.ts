import { WrittenFields } from '../sync/revisionFields';

/** What the sync remembers per work item: revisions it wrote, and the last revision applied. */
export interface SyncStateStore {
  /** Records a revision our outbound sync wrote and the values it wrote, to know its echo. */
  recordWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
    fields: WrittenFields,
  ): Promise<void>;
  /** Drops a revision recorded ahead of a write that then failed. */
  forgetWrittenRevision(
    organizationId: string,
    workItemId: number,
    revision: number,
  ): Promise<void>;
  /** The revisions we wrote to a work item from `fromRevision` on, with what each wrote. */
  writtenRevisions(
    organizationId: string,
    workItemId: number,
    fromRevision: number,
  ): Promise<Map<number, WrittenFields>>;
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
