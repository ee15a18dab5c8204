import { InfoCard, ResponseErrorPanel } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';
import { errorStatus } from '../../utils/errors';

/** Why a log cannot be shown: no such route yet (404), no permission (403), or the error. */
export function LogUnavailable(props: {
  title: string;
  /** e.g. "delivery log" */
  what: string;
  error: Error;
}) {
  const { title, what, error } = props;
  const status = errorStatus(error);
  let body;
  if (status === 404) {
    body = (
      <Typography variant="body2" color="textSecondary">
        The {what} is not available from the backend yet.
      </Typography>
    );
  } else if (status === 403) {
    body = (
      <Typography variant="body2" color="textSecondary">
        You don't have permission to view the {what}.
      </Typography>
    );
  } else {
    body = (
      <ResponseErrorPanel error={error} title={`Could not load the ${what}`} />
    );
  }
  return <InfoCard title={title}>{body}</InfoCard>;
}
