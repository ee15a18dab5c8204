import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import type { SdkKey } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useId } from 'react';
import { shortKey } from './shortKey';

/** Asks before a key is revoked: the SDKs that use its DSN are refused from then on. */
export function RevokeKeyDialog(props: {
  sdkKey?: SdkKey;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { sdkKey, open, busy, onCancel, onConfirm } = props;
  const id = useId();
  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onCancel}
      aria-labelledby={`${id}-title`}
    >
      <DialogTitle id={`${id}-title`}>
        Revoke the DSN {sdkKey ? shortKey(sdkKey.publicKey) : ''}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Applications that report with this DSN are refused from now on; their
          errors no longer reach this entity. The issues already saved stay.
          This cannot be undone: create a new DSN to report again.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="secondary"
          variant="contained"
          onClick={onConfirm}
          disabled={busy}
        >
          Revoke
        </Button>
      </DialogActions>
    </Dialog>
  );
}
