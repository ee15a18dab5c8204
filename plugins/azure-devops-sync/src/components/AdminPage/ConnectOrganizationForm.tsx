import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Alert from '@material-ui/lab/Alert';
import type { Organization } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { FormEvent, useState } from 'react';
import { azureDevOpsSyncApiRef } from '../../api';
import { errorMessage } from '../../utils/errors';

/** `POST /organizations {name}`: an org name or its URL. */
export function ConnectOrganizationForm(props: {
  onConnected: (organization: Organization) => void;
}) {
  const api = useApi(azureDevOpsSyncApiRef);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [connected, setConnected] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) {
      return;
    }
    setBusy(true);
    setError(undefined);
    setConnected(undefined);
    try {
      const organization = await api.connectOrganization({ name: trimmed });
      setConnected(organization?.name ?? trimmed);
      setName('');
      props.onConnected(organization);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label="Connect organization">
      <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
        <TextField
          id="azure-devops-sync-connect-organization"
          label="Organization name or URL"
          placeholder="fabrikam or https://dev.azure.com/fabrikam"
          variant="outlined"
          size="small"
          value={name}
          onChange={e => setName(e.target.value)}
          error={Boolean(error)}
          style={{ minWidth: 320 }}
        />
        <Button
          type="submit"
          variant="contained"
          color="primary"
          disabled={busy || !name.trim()}
        >
          {busy ? 'Connecting…' : 'Connect organization'}
        </Button>
      </Box>
      {error && (
        <Box mt={1}>
          <Alert severity="error">Could not connect: {error}</Alert>
        </Box>
      )}
      {connected && (
        <Box mt={1}>
          <Alert severity="success" onClose={() => setConnected(undefined)}>
            Connected {connected}.
          </Alert>
        </Box>
      )}
    </form>
  );
}
