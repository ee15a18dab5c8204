import Chip from '@material-ui/core/Chip';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

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
