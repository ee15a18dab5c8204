import { Link } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Chip from '@material-ui/core/Chip';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import LinkOffIcon from '@material-ui/icons/LinkOff';
import type {
  Issue,
  IssueLink,
} from '@internal/plugin-azure-devops-sync-common';

const STATUS_LABELS: Record<Issue['status'], string> = {
  unresolved: 'Unresolved',
  resolved: 'Resolved',
  ignored: 'Ignored',
};

/** The issue's status; in the table it carries `issue-status-<id>` for e2e. */
export function IssueStatusChip(props: { issue: Issue; testId?: boolean }) {
  const { issue, testId = true } = props;
  return (
    <Chip
      size="small"
      label={STATUS_LABELS[issue.status] ?? issue.status}
      color={issue.status === 'unresolved' ? 'secondary' : 'default'}
      variant={issue.status === 'resolved' ? 'outlined' : 'default'}
      data-testid={testId ? `issue-status-${issue.id}` : undefined}
    />
  );
}

/** Linked work items with their ADO state; broken links (deleted, no access) are marked. */
export function WorkItemLinks(props: { links: IssueLink[] }) {
  if (props.links.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No linked work items
      </Typography>
    );
  }
  return (
    <>
      {props.links.map(link => (
        <Box
          key={`${link.organizationId}-${link.workItemId}`}
          display="flex"
          alignItems="center"
          flexWrap="wrap"
          style={{ gap: 4 }}
        >
          <Link to={link.url} target="_blank" rel="noopener">
            #{link.workItemId} {link.title}
          </Link>
          <Typography variant="caption" color="textSecondary">
            ({link.state})
          </Typography>
          {link.broken && (
            <Tooltip title="The work item could not be read: it was deleted or the integration lost access. Changes are no longer synced to it.">
              <Chip
                size="small"
                icon={<LinkOffIcon />}
                label="Broken link"
                variant="outlined"
              />
            </Tooltip>
          )}
        </Box>
      ))}
    </>
  );
}
