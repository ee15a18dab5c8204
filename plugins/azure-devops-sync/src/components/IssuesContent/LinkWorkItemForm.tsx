import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type {
  Issue,
  WorkItemSummary,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useEffect, useId, useRef, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { azureDevOpsSyncApiRef } from '../../api';
import { errorMessage } from '../../utils/errors';
import { ActionError } from './ActionError';
import { useAction } from './useAction';

/** How long typing must pause before a search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

/** Search-as-you-type over the organization's work items; a pick links it. */
export function LinkWorkItemForm(props: {
  issue: Issue;
  organizationId: string;
  link: (workItemId: number) => Promise<void>;
}) {
  const { issue, organizationId, link } = props;
  const api = useApi(azureDevOpsSyncApiRef);
  const id = useId();
  const [query, setQuery] = useState('');
  const [debounced, setDebounced] = useState('');
  const [results, setResults] = useState<WorkItemSummary[]>();
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string>();
  // Answers to older queries must not replace newer ones.
  const latest = useRef(0);

  useDebounce(() => setDebounced(query.trim()), SEARCH_DEBOUNCE_MS, [query]);

  useEffect(() => {
    const request = ++latest.current;
    if (!debounced) {
      setResults(undefined);
      setSearching(false);
      setSearchError(undefined);
      return;
    }
    setSearching(true);
    api
      .searchWorkItems(organizationId, debounced, { limit: 10 })
      .then(
        r => {
          if (request === latest.current) {
            setResults(r.items);
            setSearchError(undefined);
          }
        },
        e => {
          if (request === latest.current) {
            setResults(undefined);
            setSearchError(errorMessage(e));
          }
        },
      )
      .finally(() => {
        if (request === latest.current) {
          setSearching(false);
        }
      });
  }, [api, organizationId, debounced]);

  const action = useAction(
    useCallback(
      async (workItemId: number) => {
        await link(workItemId);
        setQuery('');
      },
      [link],
    ),
  );
  const linked = new Set(
    issue.links
      .filter(l => l.organizationId === organizationId)
      .map(l => l.workItemId),
  );

  return (
    <Box>
      <TextField
        label="Search work items"
        id={`${id}-search`}
        placeholder="Title words or a work item id"
        fullWidth
        size="small"
        variant="outlined"
        value={query}
        onChange={e => setQuery(e.target.value)}
      />
      {searching && <Progress />}
      <ActionError error={searchError} />
      {results && results.length === 0 && !searching && (
        <Typography variant="body2" color="textSecondary">
          No work items match “{debounced}”.
        </Typography>
      )}
      {results && results.length > 0 && (
        <List dense aria-label="Work item search results">
          {results.map(item => {
            const already = linked.has(item.id);
            return (
              <ListItem
                key={item.id}
                button
                disabled={already || action.busy}
                onClick={() => action.run(item.id)}
              >
                <ListItemText
                  primary={`#${item.id} ${item.title}`}
                  secondary={[
                    item.workItemType,
                    item.state,
                    already ? 'already linked' : undefined,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                />
              </ListItem>
            );
          })}
        </List>
      )}
      <ActionError error={action.error} />
    </Box>
  );
}
