import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import ReplayIcon from '@material-ui/icons/Replay';
import type {
  Issue,
  IssueLink,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { ActionError } from './ActionError';
import { UnlinkDialog } from './UnlinkDialog';
import { useAction } from './useAction';

/** Whether Retry applies: the route re-queues a failed or skipped change. */
export function canRetry(link: IssueLink): boolean {
  return (
    !link.broken &&
    (link.sync?.status === 'failed' || link.sync?.status === 'skipped')
  );
}

/**
 * Retry (a failed or skipped change) and Unlink (with a confirmation) for one
 * linked work item; only rendered for users with the update permission. In the
 * table (`compact`) Unlink is offered for deleted work items only, and a
 * failure is announced as an alert rather than under the row.
 */
export function LinkActions(props: {
  issue: Issue;
  link: IssueLink;
  compact?: boolean;
  onChange: (issue: Issue) => void;
}) {
  const { issue, link, compact = false, onChange } = props;
  const api = useApi(azureDevOpsSyncApiRef);
  const [confirming, setConfirming] = useState(false);
  const label = `#${link.workItemId}`;

  const retry = useAction(
    useCallback(async () => {
      onChange(
        await api.retryLink(issue.id, link.organizationId, link.workItemId),
      );
    }, [api, issue.id, link.organizationId, link.workItemId, onChange]),
    {
      success: `Sending the change to work item ${label} again`,
      failure: compact ? `Could not retry work item ${label}` : undefined,
    },
  );
  const unlink = useAction(
    useCallback(async () => {
      await api.unlinkWorkItem(issue.id, link.organizationId, link.workItemId);
      onChange({
        ...issue,
        links: issue.links.filter(
          l =>
            l.organizationId !== link.organizationId ||
            l.workItemId !== link.workItemId,
        ),
      });
    }, [api, issue, link.organizationId, link.workItemId, onChange]),
    {
      success: `Unlinked work item ${label}`,
      failure: compact ? `Could not unlink work item ${label}` : undefined,
    },
  );

  const showRetry = canRetry(link);
  const showUnlink = !compact || link.broken;
  if (!showRetry && !showUnlink) return null;
  return (
    <Box>
      <Box display="flex" flexWrap="wrap" style={{ gap: 4 }}>
        {showRetry && (
          <Button
            size="small"
            variant="outlined"
            color="primary"
            startIcon={<ReplayIcon />}
            disabled={retry.busy}
            aria-label={`Retry work item ${label}`}
            onClick={() => retry.run()}
          >
            Retry
          </Button>
        )}
        {showUnlink && (
          <Button
            size="small"
            variant={link.broken ? 'outlined' : 'text'}
            startIcon={<LinkOffIcon />}
            disabled={unlink.busy}
            aria-label={`Unlink work item ${label}`}
            onClick={() => setConfirming(true)}
          >
            Unlink
          </Button>
        )}
      </Box>
      {!compact && <ActionError error={retry.error ?? unlink.error} />}
      <UnlinkDialog
        link={link}
        open={confirming}
        busy={unlink.busy}
        onCancel={() => setConfirming(false)}
        // Closed either way: a failure shows under the row or as an alert.
        onConfirm={() => unlink.run().then(() => setConfirming(false))}
      />
    </Box>
  );
}
