import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  CopyTextButton,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddIcon from '@material-ui/icons/Add';
import Alert from '@material-ui/lab/Alert';
import {
  azureDevOpsSyncSdkKeyCreatePermission,
  type SdkKey,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { type ReactNode, useState } from 'react';
import { errorMessage } from '../../utils/errors';
import { When } from '../AdminPage/tableStyles';
import { RevokeKeyDialog } from './RevokeKeyDialog';
import { shortKey } from './shortKey';
import { useSdkKeys } from './useSdkKeys';

const TITLE = 'Sentry SDK DSNs';

const useStyles = makeStyles(theme => ({
  list: {
    listStyle: 'none',
    margin: 0,
    padding: 0,
  },
  item: {
    padding: theme.spacing(1, 1),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  newItem: {
    background: theme.palette.action.selected,
  },
  dsn: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  },
  code: {
    flex: 1,
    fontFamily: 'monospace',
    fontSize: '0.8125rem',
    overflowWrap: 'anywhere',
  },
  meta: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    marginTop: theme.spacing(0.5),
  },
  grow: { flex: 1 },
  snippet: {
    margin: 0,
    padding: theme.spacing(1.5),
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.background.default,
    fontFamily: 'monospace',
    fontSize: '0.8125rem',
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
  },
}));

/** What the last create or revoke did, shown at the top of the card. */
interface Feedback {
  severity: 'success' | 'error';
  message: ReactNode;
}

function creatorName(createdBy?: string): string | undefined {
  if (!createdBy) return undefined;
  try {
    return parseEntityRef(createdBy).name;
  } catch {
    return createdBy;
  }
}

function KeyItem(props: {
  sdkKey: SdkKey;
  isNew: boolean;
  onRevoke: (key: SdkKey) => void;
}) {
  const { sdkKey, isNew, onRevoke } = props;
  const classes = useStyles();
  const short = shortKey(sdkKey.publicKey);
  const by = creatorName(sdkKey.createdBy);
  const fromConfig = sdkKey.source === 'config';
  return (
    <li
      className={isNew ? `${classes.item} ${classes.newItem}` : classes.item}
      data-testid={`sdk-key-${sdkKey.publicKey}`}
    >
      <div className={classes.dsn}>
        <span className={classes.code}>{sdkKey.dsn}</span>
        <CopyTextButton
          text={sdkKey.dsn}
          aria-label={`Copy the DSN ${short}`}
          tooltipText="DSN copied to the clipboard"
          variant="tertiary"
        />
      </div>
      <div className={classes.meta}>
        <Chip
          size="small"
          variant="outlined"
          label={fromConfig ? 'app-config' : 'API'}
        />
        <Typography
          variant="body2"
          color="textSecondary"
          component="span"
          className={classes.grow}
        >
          {fromConfig ? (
            'Defined in app-config (azureDevOpsSync.sdkIngest.keys): remove it there'
          ) : (
            <>
              Created <When value={sdkKey.createdAt} />
              {by ? ` by ${by}` : ''}
            </>
          )}
        </Typography>
        {!fromConfig && (
          <Button
            size="small"
            color="secondary"
            aria-label={`Revoke the DSN ${short}`}
            onClick={() => onRevoke(sdkKey)}
          >
            Revoke
          </Button>
        )}
      </div>
    </li>
  );
}

function HowTo(props: { dsn?: string }) {
  const classes = useStyles();
  return (
    <Box mt={2}>
      <Typography variant="subtitle2" gutterBottom>
        Report errors from an application
      </Typography>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        Give a DSN to the Sentry SDK (@sentry/browser, @sentry/node, …): its
        errors become issues in this entity's Azure DevOps tab, identical ones
        grouped into one issue.
      </Typography>
      <pre className={classes.snippet} aria-label="Sentry setup">
        {`import * as Sentry from '@sentry/browser';\n\nSentry.init({\n  dsn: '${
          props.dsn ?? '<a DSN from above>'
        }',\n});`}
      </pre>
    </Box>
  );
}

/**
 * The entity's Sentry SDK keys: each key's DSN (copyable), where it comes
 * from and when it was created; users with the sdk-key permission create
 * DSNs and revoke those created here (app-config keys are removed in
 * app-config). Without the permission the card says so and lists nothing:
 * a DSN is a credential to report onto the entity.
 *
 * @public
 */
export function SdkKeysCard() {
  const classes = useStyles();
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const permission = usePermission({
    permission: azureDevOpsSyncSdkKeyCreatePermission,
  });
  const allowed = !permission.loading && permission.allowed;
  const keys = useSdkKeys(entityRef, allowed);
  const [feedback, setFeedback] = useState<Feedback>();
  const [creating, setCreating] = useState(false);
  const [newKey, setNewKey] = useState<string>();
  // The key the dialog asks about stays while the dialog closes.
  const [revoking, setRevoking] = useState<SdkKey>();
  const [dialogOpen, setDialogOpen] = useState(false);
  const [revokeBusy, setRevokeBusy] = useState(false);

  const create = async () => {
    setCreating(true);
    setFeedback(undefined);
    try {
      const key = await keys.create();
      setNewKey(key.publicKey);
      setFeedback({
        severity: 'success',
        message: `New DSN created (${shortKey(
          key.publicKey,
        )}): copy it into your application's Sentry.init.`,
      });
    } catch (e) {
      setFeedback({
        severity: 'error',
        message: `Could not create a DSN: ${errorMessage(e)}`,
      });
    } finally {
      setCreating(false);
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    const short = shortKey(revoking.publicKey);
    setRevokeBusy(true);
    setFeedback(undefined);
    try {
      await keys.revoke(revoking.publicKey);
      setFeedback({
        severity: 'success',
        message: `DSN ${short} revoked: its events are refused from now on.`,
      });
    } catch (e) {
      setFeedback({
        severity: 'error',
        message: `Could not revoke the DSN ${short}: ${errorMessage(e)}`,
      });
    } finally {
      setRevokeBusy(false);
      setDialogOpen(false);
    }
  };

  const createButton = allowed ? (
    <Button
      color="primary"
      variant="outlined"
      startIcon={<AddIcon />}
      disabled={creating || keys.loading || Boolean(keys.error)}
      onClick={create}
    >
      Create DSN
    </Button>
  ) : undefined;

  let body: ReactNode;
  if (permission.loading) {
    body = <Progress />;
  } else if (!permission.allowed) {
    body = (
      <Typography variant="body2" color="textSecondary">
        Seeing and creating this entity's DSNs needs the permission
        azure-devops-sync.sdk-key.create, which you don't have: a DSN lets an
        application report errors onto the entity. Ask an administrator of the
        portal for a DSN or for the permission.
      </Typography>
    );
  } else if (keys.error) {
    body = (
      <ResponseErrorPanel error={keys.error} title="Could not load the DSNs" />
    );
  } else if (keys.loading || !keys.items) {
    body = <Progress />;
  } else {
    body = (
      <>
        {keys.items.length === 0 ? (
          <Typography variant="body2" color="textSecondary">
            No DSN yet: create one and give it to the application's Sentry SDK.
          </Typography>
        ) : (
          <ul className={classes.list} aria-label="DSNs">
            {keys.items.map(key => (
              <KeyItem
                key={key.publicKey}
                sdkKey={key}
                isNew={key.publicKey === newKey}
                onRevoke={toRevoke => {
                  setRevoking(toRevoke);
                  setDialogOpen(true);
                }}
              />
            ))}
          </ul>
        )}
        <HowTo
          dsn={
            keys.items.find(k => k.publicKey === newKey)?.dsn ??
            keys.items[0]?.dsn
          }
        />
      </>
    );
  }

  return (
    <InfoCard
      title={TITLE}
      subheader="Where Sentry SDKs report this entity's errors"
      action={createButton && <Box mt={1}>{createButton}</Box>}
    >
      {feedback && (
        <Box mb={2}>
          <Alert
            severity={feedback.severity}
            role={feedback.severity === 'error' ? 'alert' : 'status'}
            onClose={() => setFeedback(undefined)}
          >
            {feedback.message}
          </Alert>
        </Box>
      )}
      {body}
      <RevokeKeyDialog
        sdkKey={revoking}
        open={dialogOpen}
        busy={revokeBusy}
        onCancel={() => setDialogOpen(false)}
        onConfirm={revoke}
      />
    </InfoCard>
  );
}
