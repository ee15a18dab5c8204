import type { SdkKey } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { ConfirmDialog } from '../shared';
import { shortKey } from './shortKey';

/** Asks before a key is revoked: the SDKs that use its DSN are refused from then on. */
export function RevokeKeyDialog(props: {
  sdkKey?: SdkKey;
  open: boolean;
  busy: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { sdkKey, ...dialog } = props;
  return (
    <ConfirmDialog
      {...dialog}
      title={`Revoke the DSN ${sdkKey ? shortKey(sdkKey.publicKey) : ''}?`}
      confirmLabel="Revoke"
      confirmColor="secondary"
    >
      Applications that report with this DSN are refused from now on; their
      errors no longer reach this entity. The issues already saved stay. This
      cannot be undone: create a new DSN to report again.
    </ConfirmDialog>
  );
}
