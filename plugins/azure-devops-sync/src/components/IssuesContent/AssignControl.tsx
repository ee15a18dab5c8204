import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useState } from 'react';
import { useCatalogUsers, type CatalogUserOption } from '../../hooks';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

/** Picks a catalog User and assigns the issue; or unassigns it. */
export function AssignControl(props: {
  issue: Issue;
  assign: (assignee: string | null) => Promise<void>;
}) {
  const { issue, assign } = props;
  const users = useCatalogUsers();
  const [picked, setPicked] = useState<CatalogUserOption | null>(null);
  const action = useAction(
    useCallback(
      async (assignee: string | null) => {
        await assign(assignee);
        setPicked(null);
      },
      [assign],
    ),
  );

  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Autocomplete
          style={{ flex: 1 }}
          size="small"
          options={users.users}
          loading={users.loading}
          value={picked}
          onChange={(_e, value) => setPicked(value)}
          getOptionLabel={o => o.label}
          getOptionSelected={(a, b) => a.ref === b.ref}
          renderInput={params => (
            <TextField
              {...params}
              label="Assignee"
              variant="outlined"
              placeholder="Search users"
              error={Boolean(users.error)}
              helperText={
                users.error
                  ? `Could not load users: ${users.error.message}`
                  : undefined
              }
            />
          )}
        />
        <Button
          variant="outlined"
          color="primary"
          disabled={!picked || action.busy || picked.ref === issue.assignee}
          onClick={() => picked && action.run(picked.ref)}
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
