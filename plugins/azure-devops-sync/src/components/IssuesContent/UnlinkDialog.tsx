import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import type { IssueLink } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useId } from 'react';

/** Asks before a work item is unlinked; says that ADO keeps it. */
export function UnlinkDialog(props: {
  link: IssueLink;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { link, open, busy, onCancel, onConfirm } = props;
  const id = useId();
  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby={`${id}-title`}>
      <DialogTitle id={`${id}-title`}>
        Unlink work item #{link.workItemId}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          “{link.title}” is removed from this issue and no longer follows it.
          {link.broken
            ? ' It was already deleted in Azure DevOps.'
            : ' Nothing is deleted in Azure DevOps.'}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={onConfirm}
          disabled={busy}
        >
          Unlink
        </Button>
      </DialogActions>
    </Dialog>
  );
}
