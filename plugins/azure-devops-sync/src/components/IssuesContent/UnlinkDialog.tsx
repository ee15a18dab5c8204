import type { IssueLink } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { ConfirmDialog } from '../shared';

/** Asks before a work item is unlinked; says that ADO keeps it. */
export function UnlinkDialog(props: {
  link: IssueLink;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { link, ...dialog } = props;
  return (
    <ConfirmDialog
      {...dialog}
      title={`Unlink work item #${link.workItemId}?`}
      confirmLabel="Unlink"
    >
      “{link.title}” is removed from this issue and no longer follows it.
      {link.broken
        ? ' It was already deleted in Azure DevOps.'
        : ' Nothing is deleted in Azure DevOps.'}
    </ConfirmDialog>
  );
}
