import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import BlockIcon from '@material-ui/icons/Block';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import ErrorIcon from '@material-ui/icons/Error';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import ScheduleIcon from '@material-ui/icons/Schedule';
import type {
  IssueLink,
  LinkSyncStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { ReactElement } from 'react';
import { useNow } from '../../hooks';
import {
  formatCountdown,
  parseSyncReason,
  skipHint,
} from '../../utils/syncReason';
import { formatDateTime } from '../../utils/time';

type Tone = 'success' | 'info' | 'error' | 'warning';

const useStyles = makeStyles(theme => {
  const tone = (t: Tone) => ({
    color: theme.palette[t].dark,
    borderColor: theme.palette[t].main,
    '& svg': { color: theme.palette[t].main },
  });
  return {
    success: tone('success'),
    info: tone('info'),
    error: tone('error'),
    warning: tone('warning'),
    reason: { wordBreak: 'break-word' },
    clamp: {
      display: '-webkit-box',
      WebkitLineClamp: 2,
      WebkitBoxOrient: 'vertical',
      overflow: 'hidden',
    },
  };
});

const STATES: Record<
  LinkSyncStatus | 'deleted',
  { label: string; tone: Tone; icon: ReactElement; help: string }
> = {
  synced: {
    label: 'Synced',
    tone: 'success',
    icon: <CheckCircleIcon />,
    help: 'Azure DevOps has the last change made here.',
  },
  pending: {
    label: 'Pending',
    tone: 'info',
    icon: <ScheduleIcon />,
    help: 'The last change is queued or waiting to be retried.',
  },
  failed: {
    label: 'Failed',
    tone: 'error',
    icon: <ErrorIcon />,
    help: 'The last change could not be sent to Azure DevOps; the work item does not have it.',
  },
  skipped: {
    label: 'Skipped',
    tone: 'warning',
    icon: <BlockIcon />,
    help: 'A sync rule kept the last change from Azure DevOps; the work item does not have it.',
  },
  deleted: {
    label: 'Deleted in Azure DevOps',
    tone: 'error',
    icon: <LinkOffIcon />,
    help: 'The work item was deleted in Azure DevOps. Nothing is synced to it any more; unlink it.',
  },
};

/** What the user reads under the chip: the reason and, when pending, the next try. */
export function LinkSyncReason(props: { link: IssueLink; compact: boolean }) {
  const { link, compact } = props;
  const classes = useStyles();
  const reason = parseSyncReason(link.sync?.reason);
  const counting =
    !link.broken &&
    link.sync?.status === 'pending' &&
    reason.nextTryAt !== undefined;
  const now = useNow(counting);

  let text: string;
  if (link.broken) {
    text = 'Changes are no longer synced to it.';
  } else if (link.sync?.status === 'pending') {
    const next =
      reason.nextTryAt !== undefined
        ? `next try ${formatCountdown(reason.nextTryAt, now)}`
        : '';
    text =
      [reason.text, next].filter(Boolean).join(' · ') ||
      'Being sent to Azure DevOps';
  } else {
    const hint =
      link.sync?.status === 'skipped' ? skipHint(reason.text) : undefined;
    text = [reason.text, hint].filter(Boolean).join(' · ');
  }
  if (!text) return null;
  return (
    <Typography
      variant="caption"
      color={
        link.sync?.status === 'failed' || link.broken
          ? 'error'
          : 'textSecondary'
      }
      component="div"
      className={`${classes.reason} ${compact ? classes.clamp : ''}`}
      title={compact ? text : undefined}
      data-testid={`sync-reason-${link.organizationId}-${link.workItemId}`}
    >
      {text}
    </Typography>
  );
}

/** The sync state as a chip, its meaning in a tooltip. */
export function LinkSyncChip(props: { link: IssueLink }) {
  const { link } = props;
  const classes = useStyles();
  if (!link.broken && !link.sync) {
    // A backend without sync states: nothing to say.
    return null;
  }
  const state = STATES[link.broken ? 'deleted' : link.sync.status];
  if (!state) return null;
  const since = link.sync?.updatedAt
    ? ` (since ${formatDateTime(link.sync.updatedAt)})`
    : '';
  return (
    <Tooltip title={`${state.help}${since}`}>
      <Chip
        size="small"
        variant="outlined"
        icon={state.icon}
        label={state.label}
        className={classes[state.tone]}
        data-testid={`sync-state-${link.organizationId}-${link.workItemId}`}
      />
    </Tooltip>
  );
}

/**
 * Where the last change made here stands for one linked work item: Synced,
 * Pending (with the last error and a countdown to the next try), Failed or
 * Skipped (with the reason), or "Deleted in Azure DevOps" for a broken link;
 * the chip above its reason.
 */
export function LinkSyncState(props: {
  link: IssueLink;
  /** Two lines of reason at most (the issues table). */
  compact?: boolean;
}) {
  const { link, compact = false } = props;
  return (
    <Box>
      <LinkSyncChip link={link} />
      <LinkSyncReason link={link} compact={compact} />
    </Box>
  );
}
