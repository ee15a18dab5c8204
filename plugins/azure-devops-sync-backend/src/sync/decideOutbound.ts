import type {
  Issue,
  OrganizationConfigValues,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { AdoJsonPatchOp } from '../api/types';
import type { StoredIssueLink } from '../database/IssueStore';
import type { OutboxJobPayload } from '../database/OutboxStore';
import type {
  WrittenFields,
  WrittenRevision,
} from '../database/SyncStateStore';
import { identityKeys, outboundCommentBody } from './identity';
import { normalizeField } from './revisionFields';

/** An outbound job, as the rules see it. */
export interface OutboundJob {
  payload: OutboxJobPayload;
  attempts: number;
  createdAt: string;
}

/** What the rules need to know about the work item and the issue, loaded before they run. */
export interface OutboundState {
  /** The work item's fields as just read from ADO. */
  fields: Record<string, unknown>;
  /** The issue the job came from; undefined for a job without one (or one deleted since). */
  issue?: Issue;
  /** One link to the work item: the values of the last applied revision. */
  link?: StoredIssueLink;
  /** Id of the work item's project (looked up by name), for status jobs. */
  projectId?: string;
  /** The project's done states (status jobs); undefined = unknown. */
  doneStates?: string[];
  /** Our writes since the last applied revision (when {@link adoValueMoved}). */
  writesSinceApplied?: WrittenRevision[];
  /**
   * For assignee jobs with a user, once asked for: the ADO identity the organization's people
   * mapping names for the user, else the user's e-mail and the ADO identity with that e-mail.
   */
  assignee?: { mappedIdentity?: string; email?: string; adoMail?: string };
}

export type OutboundDecision =
  | {
      kind: 'skip';
      outcome: string;
      /**
       * ADO already holds the issue's value: the field and value, to be remembered for the
       * revision read as if we had written it there (the issue holds it), so a later revision
       * delivered before the one that made it is judged from it.
       */
      holds?: WrittenFields;
    }
  | { kind: 'done'; outcome: string }
  | { kind: 'write'; ops: AdoJsonPatchOp[]; outcome: string }
  /** Will fail the same way every time: not retried. */
  | { kind: 'fail'; message: string }
  /** Load `state.assignee` and decide again. */
  | { kind: 'needAssignee'; userEntityRef: string };

/**
 * The org's sync switches, judged before the work item is read: a switched-off kind of sync
 * costs no ADO call. Decided when the job runs, so a setting changed since it was queued counts.
 */
export function syncSwitchedOff(
  payload: OutboxJobPayload,
  config: OrganizationConfigValues,
): string | undefined {
  if (
    payload.kind === 'status' &&
    Object.keys(config.sync_status_forward).length === 0
  ) {
    return 'Status sync to Azure DevOps is off (no project mapping)';
  }
  if (payload.kind === 'assignee' && !config.sync_forward_assignment) {
    return 'Assignment sync to Azure DevOps is off';
  }
  if (payload.kind === 'comment' && !config.sync_comments) {
    return 'Comment sync to Azure DevOps is off';
  }
  return undefined;
}

/** The field a status or assignee job writes. */
function fieldOf(payload: OutboxJobPayload) {
  return payload.kind === 'status' ? 'System.State' : 'System.AssignedTo';
}

/** The value of the job's field at the last applied revision, or null when unknown. */
function lastAppliedValue(payload: OutboxJobPayload, link?: StoredIssueLink) {
  return payload.kind === 'status'
    ? link?.state || null
    : link?.assignedTo ?? null;
}

/**
 * Whether ADO holds another value for the job's field than the last applied revision did.
 * Only then does judging the job need our writes since.
 */
export function adoValueMoved(
  job: OutboundJob,
  fields: Record<string, unknown>,
  link?: StoredIssueLink,
): boolean {
  if (job.payload.kind === 'comment') return false;
  const field = fieldOf(job.payload);
  const last = lastAppliedValue(job.payload, link);
  return last !== null && normalizeField(field, fields[field]) !== last;
}

/**
 * A status or assignee job is overtaken when the issue no longer has its value (a later portal
 * change, whose own job follows, or a later ADO change already applied), or when ADO holds a
 * value for the field that is neither the last applied one nor ours and was made after the
 * job: the later writer wins, and that revision's delivery brings the issue along.
 */
export function supersededReason(
  job: OutboundJob,
  state: OutboundState,
): string | undefined {
  const { payload } = job;
  const { issue } = state;
  if (!issue || payload.kind === 'comment') return undefined;
  if (payload.kind === 'status' && issue.status !== payload.status) {
    return `Superseded: the issue is ${issue.status} now`;
  }
  if (
    payload.kind === 'assignee' &&
    (issue.assignee ?? null) !== payload.userEntityRef
  ) {
    return `Superseded: the issue is assigned to ${
      issue.assignee ?? 'nobody'
    } now`;
  }
  const field = fieldOf(payload);
  const lastApplied = lastAppliedValue(payload, state.link);
  const inAdo = normalizeField(field, state.fields[field]);
  if (lastApplied === null || inAdo === lastApplied) return undefined;
  if (field === 'System.State') {
    // Only a change across the done boundary says something about the status; one that does
    // not (New → Active) changes no status when its delivery arrives, so it must not win.
    // Unknown done states: no judgement, the job is written as the portal asked.
    const done = state.doneStates;
    if (!done || done.includes(inAdo) === done.includes(lastApplied))
      return undefined;
  }
  // Our own writes since the last applied revision explain it (their echoes are on the way).
  if (
    (state.writesSinceApplied ?? []).some(
      w =>
        field in w.fields && normalizeField(field, w.fields[field]) === inAdo,
    )
  ) {
    return undefined;
  }
  const changedAt = Date.parse(String(state.fields['System.ChangedDate']));
  if (changedAt > Date.parse(job.createdAt)) {
    return `Superseded: ${field} was changed in Azure DevOps after this change was made`;
  }
  return undefined;
}

/**
 * `sync_status_outbound`, `sync_assignee_outbound` and `create_comment`: what to write to the
 * work item for one job, or why not. Pure: the runner loads `state`, then applies the result.
 */
export function decideOutbound(
  job: OutboundJob,
  state: OutboundState,
  config: OrganizationConfigValues,
): OutboundDecision {
  const { payload } = job;
  const superseded = supersededReason(job, state);
  if (superseded) return { kind: 'skip', outcome: superseded };

  if (payload.kind === 'status') {
    const mapping = state.projectId
      ? config.sync_status_forward[state.projectId]
      : undefined;
    if (!mapping) {
      return {
        kind: 'skip',
        outcome: `No status mapping for project ${
          state.fields['System.TeamProject'] ?? 'unknown'
        }`,
      };
    }
    const target =
      payload.status === 'resolved' ? mapping.on_resolve : mapping.on_unresolve;
    const current = state.fields['System.State'];
    if (current === target) {
      return {
        kind: 'skip',
        outcome: `Already in state ${target}`,
        holds: { 'System.State': target },
      };
    }
    // A work item on the issue's side of done already agrees with it: resolving an issue whose
    // bug is Closed must not move it back to Resolved (nor unresolving one that is New, to Active).
    const done = state.doneStates;
    if (
      done &&
      typeof current === 'string' &&
      current &&
      done.includes(current) === done.includes(target)
    ) {
      return {
        kind: 'skip',
        outcome: `Already ${payload.status} in Azure DevOps (state ${current})`,
        holds: { 'System.State': current },
      };
    }
    return {
      kind: 'write',
      ops: [{ op: 'replace', path: '/fields/System.State', value: target }],
      outcome: `State set to ${target}`,
    };
  }

  if (payload.kind === 'assignee') {
    const current = normalizeField(
      'System.AssignedTo',
      state.fields['System.AssignedTo'],
    );
    if (!payload.userEntityRef) {
      if (!current) {
        return {
          kind: 'skip',
          outcome: 'Already unassigned',
          holds: { 'System.AssignedTo': null },
        };
      }
      return {
        kind: 'write',
        ops: [{ op: 'remove', path: '/fields/System.AssignedTo' }],
        outcome: 'Unassigned',
      };
    }
    if (!state.assignee) {
      return { kind: 'needAssignee', userEntityRef: payload.userEntityRef };
    }
    const { mappedIdentity, email, adoMail } = state.assignee;
    if (mappedIdentity) {
      // The explicit mapping wins over e-mail matching: it names the identity as ADO knows it.
      const wanted = mappedIdentity.trim().toLowerCase();
      if (identityKeys(state.fields['System.AssignedTo']).includes(wanted)) {
        return {
          kind: 'skip',
          outcome: `Already assigned to ${mappedIdentity}`,
          holds: { 'System.AssignedTo': mappedIdentity },
        };
      }
      return {
        kind: 'write',
        ops: [
          {
            op: 'replace',
            path: '/fields/System.AssignedTo',
            value: mappedIdentity,
          },
        ],
        outcome: `Assigned to ${mappedIdentity} (people mapping)`,
      };
    }
    if (!email) {
      return {
        kind: 'fail',
        message: `${payload.userEntityRef} has no e-mail in the catalog`,
      };
    }
    if (!adoMail) {
      return {
        kind: 'fail',
        message: `No Azure DevOps user with e-mail ${email}`,
      };
    }
    if (current === adoMail.toLowerCase()) {
      return {
        kind: 'skip',
        outcome: `Already assigned to ${adoMail}`,
        holds: { 'System.AssignedTo': adoMail },
      };
    }
    return {
      kind: 'write',
      ops: [
        { op: 'replace', path: '/fields/System.AssignedTo', value: adoMail },
      ],
      outcome: `Assigned to ${adoMail}`,
    };
  }

  const body = outboundCommentBody(payload.authorName, payload.text);
  // A retry after a crash may follow a PATCH that reached ADO before the job was marked done:
  // the work item's latest comment then is this one, and posting it again would double it.
  if (
    job.attempts > 1 &&
    normalizeField('System.History', state.fields['System.History']) === body
  ) {
    return {
      kind: 'done',
      outcome: 'Comment already in Azure DevOps (written before a retry)',
    };
  }
  return {
    kind: 'write',
    ops: [{ op: 'add', path: '/fields/System.History', value: body }],
    outcome: 'Comment added',
  };
}
