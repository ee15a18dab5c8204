import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import type {
  Issue,
  IssueLink,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { LinkActions } from './LinkActions';
import { LinkSyncChip, LinkSyncReason, LinkSyncState } from './LinkSyncState';

function linkKey(link: IssueLink): string {
  return `${link.organizationId}-${link.workItemId}`;
}

/** "#42 Fix login crash (Active)": the work item in ADO and its ADO state. */
function WorkItemTitle(props: { link: IssueLink }) {
  const { link } = props;
  return (
    <Box>
      <Link to={link.url} target="_blank" rel="noopener">
        #{link.workItemId} {link.title}
      </Link>{' '}
      <Typography variant="caption" color="textSecondary">
        ({link.state})
      </Typography>
    </Box>
  );
}

/**
 * An issue's linked work items: each with its Azure DevOps state, the sync
 * state of the last change made here, and (with `canUpdate`) Retry and Unlink.
 * `compact` is the issues table's form.
 */
export function WorkItemLinks(props: {
  issue: Issue;
  canUpdate: boolean;
  onChange: (issue: Issue) => void;
  compact?: boolean;
}) {
  const { issue, canUpdate, onChange, compact = false } = props;
  if (issue.links.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No linked work items
      </Typography>
    );
  }
  return (
    <Box
      display="flex"
      flexDirection="column"
      style={{ gap: compact ? 8 : 12 }}
    >
      {issue.links.map(link =>
        compact ? (
          <Box
            key={linkKey(link)}
            data-testid={`work-item-${linkKey(link)}`}
            display="flex"
            flexDirection="column"
            alignItems="flex-start"
            style={{ gap: 2 }}
          >
            <WorkItemTitle link={link} />
            <LinkSyncState link={link} compact />
            {canUpdate && (
              <LinkActions
                issue={issue}
                link={link}
                compact
                onChange={onChange}
              />
            )}
          </Box>
        ) : (
          <Box key={linkKey(link)} data-testid={`work-item-${linkKey(link)}`}>
            <Box display="flex" alignItems="center" style={{ gap: 12 }}>
              <Box flex={1} minWidth={0}>
                <WorkItemTitle link={link} />
              </Box>
              <LinkSyncChip link={link} />
              {canUpdate && (
                <LinkActions issue={issue} link={link} onChange={onChange} />
              )}
            </Box>
            <LinkSyncReason link={link} compact={false} />
          </Box>
        ),
      )}
    </Box>
  );
}
