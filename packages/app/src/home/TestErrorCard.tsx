import { parseEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { reportTestError } from '../sentry';

type Sent =
  | { status: 'sending' }
  | { status: 'sent'; eventId: string }
  | { status: 'failed'; message: string };

function issuesPath(entityRef: string): string | undefined {
  try {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `/catalog/${namespace}/${kind.toLowerCase()}/${name}/azure-devops-issues`;
  } catch {
    return undefined;
  }
}

/**
 * The portal reports its own errors through @sentry/browser (`app.sentry.dsn`):
 * a button sends one, and the card links to the issues it becomes. Without a
 * DSN the card is not shown. A grid item of the home page.
 */
export function TestErrorCard() {
  const config = useApi(configApiRef);
  const dsn = config.getOptionalString('app.sentry.dsn');
  const entityRef = config.getOptionalString('app.sentry.entityRef');
  const [sent, setSent] = useState<Sent>();
  if (!dsn) {
    return null;
  }
  const name = entityRef ? parseEntityRef(entityRef).name : undefined;
  const issues = entityRef ? issuesPath(entityRef) : undefined;

  const send = async () => {
    setSent({ status: 'sending' });
    try {
      setSent({ status: 'sent', eventId: await reportTestError() });
    } catch (e) {
      setSent({ status: 'failed', message: String(e?.message ?? e) });
    }
  };

  return (
    <Grid item xs={12} md={6}>
      <InfoCard title="Report a test error">
        <Typography variant="body1" paragraph>
          This portal reports its own errors with the Sentry SDK
          (@sentry/browser){name ? ` to ${name}` : ''}, through the DSN in{' '}
          <code>app.sentry.dsn</code>. Send one and watch it become an issue
          (the same error again counts as a new event of that issue); link the
          issue to a work item and it follows in Azure DevOps.
        </Typography>
        <Button
          variant="outlined"
          color="primary"
          disabled={sent?.status === 'sending'}
          onClick={send}
        >
          Throw a test error
        </Button>
        {sent?.status === 'sent' && (
          <Box mt={2}>
            <Typography variant="body2" role="status">
              Sent (event {sent.eventId.slice(0, 8)}).{' '}
              {issues && <Link to={issues}>See {name}&apos;s issues</Link>}
            </Typography>
          </Box>
        )}
        {sent?.status === 'failed' && (
          <Box mt={2}>
            <Typography variant="body2" color="error" role="alert">
              Could not send the test error: {sent.message}
            </Typography>
          </Box>
        )}
      </InfoCard>
    </Grid>
  );
}
