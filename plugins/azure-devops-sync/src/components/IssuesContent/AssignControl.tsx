import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Autocomplete from '@material-ui/lab/Autocomplete';
import type { Issue } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

interface UserOption {
  ref: string;
  label: string;
}

function toOption(entity: Entity): UserOption {
  const ref = stringifyEntityRef(entity);
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  const displayName = profile?.displayName || entity.metadata.title;
  return {
    ref,
    label: displayName ? `${displayName} (${ref})` : ref,
  };
}

/** Picks a catalog User and assigns the issue; or unassigns it. */
export function AssignControl(props: {
  issue: Issue;
  assign: (assignee: string | null) => Promise<void>;
}) {
  const { issue, assign } = props;
  const catalogApi = useApi(catalogApiRef);
  const users = useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'User' },
      fields: [
        'kind',
        'metadata.name',
        'metadata.namespace',
        'metadata.title',
        'spec.profile.displayName',
      ],
    });
    return items.map(toOption).sort((a, b) => a.label.localeCompare(b.label));
  }, [catalogApi]);
  const [picked, setPicked] = useState<UserOption | null>(null);
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
          options={users.value ?? []}
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
