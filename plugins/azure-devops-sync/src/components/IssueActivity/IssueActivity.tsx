import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import type {
  ActivityItem,
  ActivitySource,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { ReactNode } from 'react';
import { formatDateTime, formatRelativeTime } from '../../utils/time';

const useStyles = makeStyles(theme => ({
  item: {
    display: 'block',
    borderLeft: `2px solid ${theme.palette.divider}`,
    marginLeft: theme.spacing(1),
    paddingLeft: theme.spacing(2),
  },
  comment: {
    margin: theme.spacing(1, 0, 0, 0),
    padding: theme.spacing(1, 2),
    borderLeft: `3px solid ${theme.palette.primary.light}`,
    background: theme.palette.background.default,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
  },
}));

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

function UserLink(props: { entityRef: string }) {
  return <EntityRefLink entityRef={props.entityRef} defaultKind="user" />;
}

/**
 * Who made the change: a portal user; a person in Azure DevOps (the catalog user with their
 * e-mail, else their ADO name) and the work item they changed; or the system.
 */
export function ActivityActor(props: { source: ActivitySource }) {
  const { source } = props;
  switch (source.kind) {
    case 'user':
      return <UserLink entityRef={source.userEntityRef} />;
    case 'azure-devops': {
      const { actor } = source;
      let who: ReactNode = 'Someone';
      if (actor?.userEntityRef)
        who = <UserLink entityRef={actor.userEntityRef} />;
      else if (actor?.displayName) who = actor.displayName;
      return (
        <>
          {who} in Azure DevOps (#{source.workItemId})
        </>
      );
    }
    default:
      return <>System</>;
  }
}

/** ADO comments arrive as HTML (`System.History`); show them as text. */
function plainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|blockquote)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .trim();
}

function describe(item: ActivityItem): ReactNode {
  const { data } = item;
  switch (item.type) {
    case 'assigned': {
      const assignee = str(data.assignee);
      return assignee ? (
        <>
          assigned the issue to <UserLink entityRef={assignee} />
        </>
      ) : (
        'assigned the issue'
      );
    }
    case 'unassigned':
      return 'unassigned the issue';
    case 'set_resolved':
      return 'resolved the issue';
    case 'set_unresolved':
      return str(data.to) === 'ignored'
        ? 'ignored the issue'
        : 'unresolved the issue';
    case 'regression':
      return 'marked the issue as a regression';
    case 'linked':
    case 'unlinked': {
      const verb = item.type === 'linked' ? 'linked' : 'unlinked';
      // "#5 Bug title"; the link's displayName ("Payments#5") would only repeat the number.
      const id = data.workItemId;
      const label = `#${id}${str(data.title) ? ` ${str(data.title)}` : ''}`;
      const url = str(data.url);
      return (
        <>
          {verb} work item{' '}
          {url ? (
            <Link to={url} target="_blank" rel="noopener">
              {label}
            </Link>
          ) : (
            label
          )}
        </>
      );
    }
    case 'comment': {
      // The actor already names an ADO author; an older item only has the comment's author.
      const author = str(data.author);
      const named =
        item.source.kind !== 'azure-devops' || Boolean(item.source.actor);
      return author && !named ? `commented (as ${author})` : 'commented';
    }
    default:
      return String(item.type);
  }
}

/**
 * One issue's activity timeline, newest first as the backend pages it, with
 * "Load older activity" while older pages remain.
 */
export function IssueActivity(props: {
  items?: ActivityItem[];
  loading: boolean;
  error?: Error;
  hasMore?: boolean;
  loadMore?: () => void;
  loadingMore?: boolean;
  loadMoreError?: Error;
}) {
  const classes = useStyles();
  const { items, loading, error, hasMore, loadMore, loadingMore } = props;
  if (loading && !items) {
    return <Progress />;
  }
  if (error && !items) {
    return (
      <ResponseErrorPanel error={error} title="Could not load the activity" />
    );
  }
  if (!items || items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No activity yet.
      </Typography>
    );
  }
  return (
    <List dense aria-label="Activity">
      {items.map(item => {
        const text = item.type === 'comment' ? str(item.data.text) : undefined;
        return (
          <ListItem
            key={item.id}
            className={classes.item}
            data-testid={`activity-${item.id}`}
          >
            <Typography variant="body2" component="div">
              <strong>
                <ActivityActor source={item.source} />
              </strong>{' '}
              {describe(item)}
            </Typography>
            <Tooltip title={formatDateTime(item.createdAt)}>
              <Typography variant="caption" color="textSecondary">
                {formatRelativeTime(item.createdAt, '')}
              </Typography>
            </Tooltip>
            {text && (
              <Box component="blockquote" className={classes.comment}>
                <Typography variant="body2">{plainText(text)}</Typography>
              </Box>
            )}
          </ListItem>
        );
      })}
      {error && (
        <ListItem>
          <Typography variant="body2" color="error" role="alert">
            Could not reload the activity: {error.message}
          </Typography>
        </ListItem>
      )}
      {hasMore && loadMore && (
        <ListItem>
          <Button
            size="small"
            variant="outlined"
            disabled={loadingMore}
            onClick={loadMore}
          >
            {loadingMore ? 'Loading…' : 'Load older activity'}
          </Button>
        </ListItem>
      )}
      {props.loadMoreError && (
        <ListItem>
          <Typography variant="body2" color="error" role="alert">
            Could not load older activity: {props.loadMoreError.message}
          </Typography>
        </ListItem>
      )}
    </List>
  );
}
