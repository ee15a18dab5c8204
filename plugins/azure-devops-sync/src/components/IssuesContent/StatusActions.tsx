import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import type {
  Issue,
  IssueStatus,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

/** Resolve, Unresolve and Ignore, as the issue's status allows. */
export function StatusActions(props: {
  issue: Issue;
  setStatus: (status: IssueStatus) => Promise<void>;
}) {
  const { issue, setStatus } = props;
  const action = useAction(setStatus);
  return (
    <Box>
      <Box display="flex" style={{ gap: 8 }}>
        {issue.status !== 'resolved' && (
          <Button
            variant="contained"
            color="primary"
            disabled={action.busy}
            onClick={() => action.run('resolved')}
          >
            Resolve
          </Button>
        )}
        {issue.status !== 'unresolved' && (
          <Button
            variant="outlined"
            disabled={action.busy}
            onClick={() => action.run('unresolved')}
          >
            Unresolve
          </Button>
        )}
        {issue.status === 'unresolved' && (
          <Button
            variant="outlined"
            disabled={action.busy}
            onClick={() => action.run('ignored')}
          >
            Ignore
          </Button>
        )}
      </Box>
      <ActionError error={action.error} />
    </Box>
  );
}
