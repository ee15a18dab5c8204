import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useState } from 'react';
import { useCatalogUsers } from '../../hooks';
import { CatalogUserPicker } from '../shared';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

/** Picks a catalog User and assigns the issue; or unassigns it. */
export function AssignControl(props: {
  issue: Issue;
  assign: (assignee: string | null) => Promise<void>;
}) {
  const { issue, assign } = props;
  const users = useCatalogUsers();
  // The picked catalog User's ref; '' for none.
  const [picked, setPicked] = useState('');
  const action = useAction(
    useCallback(
      async (assignee: string | null) => {
        await assign(assignee);
        setPicked('');
      },
      [assign],
    ),
  );

  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Box flex={1}>
          <CatalogUserPicker
            value={picked}
            onChange={setPicked}
            users={users.users}
            loading={users.loading}
            error={users.error}
            label="Assignee"
            showLabel
          />
        </Box>
        <Button
          variant="outlined"
          color="primary"
          disabled={!picked || action.busy || picked === issue.assignee}
          onClick={() => action.run(picked)}
        >
          Assign
        </Button>
        {issue.assignee && (
          <Button
            variant="outlined"
            disabled={action.busy}
            onClick={() => action.run(null)}
          >
            Unassign
          </Button>
        )}
      </Box>
      <ActionError error={action.error} />
    </Box>
  );
}
