import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import IconButton from '@material-ui/core/IconButton';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import DeleteIcon from '@material-ui/icons/Delete';
import Alert from '@material-ui/lab/Alert';
import {
  azureDevOpsSyncConfigUpdatePermission,
  type Organization,
  type PersonMapping,
  type PersonSuggestion,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useEffect, useMemo, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { azureDevOpsSyncApiRef } from '../../api';
import { errorMessage } from '../../utils/errors';
import { useCatalogUsers } from '../../hooks';
import { CatalogUserPicker } from '../shared';
import { When } from './tableStyles';

/** A mapping being edited; `key` keeps a row's inputs when rows above it go. */
interface DraftRow extends PersonMapping {
  key: number;
}

const sameIdentity = (a: string, b: string) =>
  a.trim().toLowerCase() === b.trim().toLowerCase();

/** Why the draft cannot be saved, or undefined. */
function draftProblem(rows: DraftRow[]): string | undefined {
  if (rows.some(r => !r.adoIdentity.trim() || !r.userEntityRef)) {
    return 'Each mapping needs an Azure DevOps identity and a catalog user.';
  }
  const twice = rows.find((r, i) =>
    rows.some((o, j) => j < i && sameIdentity(o.adoIdentity, r.adoIdentity)),
  );
  return twice
    ? `${twice.adoIdentity.trim()} is mapped more than once.`
    : undefined;
}

function toPayload(rows: PersonMapping[]): PersonMapping[] {
  return rows.map(r => ({
    adoIdentity: r.adoIdentity.trim(),
    userEntityRef: r.userEntityRef,
  }));
}

function Suggestions(props: {
  suggestions: PersonSuggestion[];
  mapped: (adoIdentity: string) => boolean;
  onMap: (suggestion: PersonSuggestion) => void;
}) {
  const { suggestions, mapped, onMap } = props;
  return (
    <Box mt={3}>
      <Typography variant="subtitle2">Suggestions</Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Azure DevOps identities seen in service hook deliveries that matched no
        catalog user.
      </Typography>
      {suggestions.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          None so far: they appear when Azure DevOps assigns a work item to an
          identity no catalog user matches.
        </Typography>
      ) : (
        <Table size="small" aria-label="Suggested identities">
          <TableHead>
            <TableRow>
              <TableCell>Azure DevOps identity</TableCell>
              <TableCell>Name</TableCell>
              <TableCell>Last seen</TableCell>
              <TableCell />
            </TableRow>
          </TableHead>
          <TableBody>
            {suggestions.map(s => (
              <TableRow key={s.adoIdentity}>
                <TableCell style={{ overflowWrap: 'anywhere' }}>
                  {s.adoIdentity}
                </TableCell>
                <TableCell>{s.displayName || '—'}</TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  <When value={s.lastSeenAt} />
                </TableCell>
                <TableCell align="right">
                  {mapped(s.adoIdentity) ? (
                    <Typography variant="body2" color="textSecondary">
                      In the table
                    </Typography>
                  ) : (
                    <Button
                      size="small"
                      variant="outlined"
                      color="primary"
                      aria-label={`Map ${s.adoIdentity}`}
                      onClick={() => onMap(s)}
                    >
                      Map
                    </Button>
                  )}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}

/**
 * The organization's explicit mappings of Azure DevOps identities (unique
 * name or e-mail) to catalog users, which assignment in both directions
 * consults before comparing e-mails; editable with the config update
 * permission, with the unmatched identities seen in deliveries as
 * suggestions.
 */
export function PeopleSection(props: { organization: Organization }) {
  const { organization } = props;
  const api = useApi(azureDevOpsSyncApiRef);
  const { allowed: canEdit } = usePermission({
    permission: azureDevOpsSyncConfigUpdatePermission,
  });
  const people = useAsyncRetry(
    () => api.getPeople(organization.id),
    [api, organization.id],
  );
  const users = useCatalogUsers();
  const nextKey = useRef(0);
  const [rows, setRows] = useState<DraftRow[]>([]);
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const [saved, setSaved] = useState(false);

  // Each load (the first, and after a save) starts the draft afresh.
  useEffect(() => {
    if (!people.value) return;
    setRows(people.value.items.map(m => ({ ...m, key: nextKey.current++ })));
  }, [people.value]);

  const dirty = useMemo(
    () =>
      JSON.stringify(toPayload(rows)) !==
      JSON.stringify(toPayload(people.value?.items ?? [])),
    [rows, people.value],
  );
  const problem = draftProblem(rows);

  const edit = (key: number, change: Partial<PersonMapping>) => {
    setSaved(false);
    setRows(current =>
      current.map(r => (r.key === key ? { ...r, ...change } : r)),
    );
  };
  const add = (adoIdentity = '') => {
    setSaved(false);
    setRows(current => [
      ...current,
      { key: nextKey.current++, adoIdentity, userEntityRef: '' },
    ]);
  };
  const remove = (key: number) => {
    setSaved(false);
    setRows(current => current.filter(r => r.key !== key));
  };
  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    setSaved(false);
    try {
      await api.updatePeople(organization.id, { items: toPayload(rows) });
      setSaved(true);
      people.retry();
    } catch (e) {
      setSaveError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const title = `People: ${organization.name}`;
  const subheader =
    'Assignments between Azure DevOps and the catalog use these mappings first, then matching e-mails.';
  if (people.loading && !people.value) {
    return (
      <InfoCard title={title} subheader={subheader}>
        <Progress />
      </InfoCard>
    );
  }
  if (people.error) {
    return (
      <InfoCard title={title} subheader={subheader}>
        <ResponseErrorPanel
          error={people.error}
          title="Could not load the people mappings"
        />
      </InfoCard>
    );
  }

  const suggestions = people.value?.suggestions ?? [];
  return (
    <InfoCard title={title} subheader={subheader}>
      {rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          No mappings: assignees are matched by e-mail only.
        </Typography>
      ) : (
        <Table
          size="small"
          aria-label={`People mappings of ${organization.name}`}
        >
          <TableHead>
            <TableRow>
              <TableCell style={{ width: '45%' }}>
                Azure DevOps identity
              </TableCell>
              <TableCell>Catalog user</TableCell>
              {canEdit && <TableCell style={{ width: 48 }} />}
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((row, index) => (
              <TableRow key={row.key} data-testid="people-mapping-row">
                <TableCell>
                  {canEdit ? (
                    <TextField
                      fullWidth
                      size="small"
                      variant="outlined"
                      placeholder="Unique name or e-mail"
                      value={row.adoIdentity}
                      onChange={e =>
                        edit(row.key, { adoIdentity: e.target.value })
                      }
                      inputProps={{
                        'aria-label': `Azure DevOps identity ${index + 1}`,
                      }}
                    />
                  ) : (
                    <Typography
                      variant="body2"
                      style={{ overflowWrap: 'anywhere' }}
                    >
                      {row.adoIdentity}
                    </Typography>
                  )}
                </TableCell>
                <TableCell>
                  {canEdit ? (
                    <CatalogUserPicker
                      label={`Catalog user ${index + 1}`}
                      value={row.userEntityRef}
                      onChange={userEntityRef =>
                        edit(row.key, { userEntityRef })
                      }
                      users={users.users}
                      loading={users.loading}
                      error={users.error}
                    />
                  ) : (
                    <EntityRefLink
                      entityRef={row.userEntityRef}
                      defaultKind="user"
                    />
                  )}
                </TableCell>
                {canEdit && (
                  <TableCell>
                    <IconButton
                      size="small"
                      aria-label={`Remove mapping ${index + 1}`}
                      title="Remove mapping"
                      onClick={() => remove(row.key)}
                    >
                      <DeleteIcon fontSize="small" />
                    </IconButton>
                  </TableCell>
                )}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {canEdit && (
        <Box mt={2} display="flex" alignItems="center" style={{ gap: 8 }}>
          <Button
            variant="outlined"
            startIcon={<AddIcon />}
            onClick={() => add()}
          >
            Add mapping
          </Button>
          <Button
            variant="contained"
            color="primary"
            disabled={!dirty || saving || Boolean(problem)}
            onClick={save}
          >
            {saving ? 'Saving…' : 'Save mappings'}
          </Button>
          {dirty && problem && (
            <Typography variant="body2" color="textSecondary">
              {problem}
            </Typography>
          )}
        </Box>
      )}
      {saveError && (
        <Box mt={1}>
          <Alert severity="error" onClose={() => setSaveError(undefined)}>
            Could not save the mappings: {saveError}
          </Alert>
        </Box>
      )}
      {saved && (
        <Box mt={1}>
          <Alert severity="success" onClose={() => setSaved(false)}>
            Saved the people mappings of {organization.name}.
          </Alert>
        </Box>
      )}
      {canEdit && (
        <Suggestions
          suggestions={suggestions}
          mapped={identity =>
            rows.some(r => sameIdentity(r.adoIdentity, identity))
          }
          onMap={s => add(s.adoIdentity)}
        />
      )}
    </InfoCard>
  );
}
