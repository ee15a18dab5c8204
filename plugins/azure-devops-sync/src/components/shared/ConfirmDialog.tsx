import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import { ReactNode, useId } from 'react';

/** Asks before an action that cannot be taken back; closes only by a button while it runs. */
export function ConfirmDialog(props: {
  open: boolean;
  busy: boolean;
  title: ReactNode;
  children: ReactNode;
  confirmLabel: string;
  /** `secondary` for what destroys something (a revoked key). */
  confirmColor?: 'primary' | 'secondary';
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { open, busy, title, children, confirmLabel, onCancel, onConfirm } =
    props;
  const id = useId();
  return (
    <Dialog
      open={open}
      onClose={busy ? undefined : onCancel}
      aria-labelledby={`${id}-title`}
    >
      <DialogTitle id={`${id}-title`}>{title}</DialogTitle>
      <DialogContent>
        <DialogContentText>{children}</DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel} disabled={busy}>
          Cancel
        </Button>
        <Button
          color={props.confirmColor ?? 'primary'}
          variant="contained"
          onClick={onConfirm}
          disabled={busy}
        >
          {confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
