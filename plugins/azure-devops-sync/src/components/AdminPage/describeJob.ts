import type { OutboundJob } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** What the job changes in ADO, in a few words. */
export function describeJob(job: OutboundJob): string {
  const { payload } = job;
  switch (payload.kind) {
    case 'status':
      return `Set the state for ${payload.status}`;
    case 'assignee':
      return payload.userEntityRef
        ? `Assign to ${payload.userEntityRef}`
        : 'Unassign';
    case 'comment':
      return `Comment by ${payload.authorName}`;
    default:
      return 'Unknown change';
  }
}
