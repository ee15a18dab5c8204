import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { errorMessage } from '../../utils/errors';
import { IssueSparkline } from './IssueSparkline';

/** What {@link IssueTrendCell} needs of `useIssueTrends`. */
export interface IssueTrendsState {
  trends?: Map<string, IssueTrend>;
  error?: Error;
}

/**
 * An issue's sparkline in the issues list: nothing while the trends load, and
 * "unavailable" (with the reason on hover) when they could not be read.
 */
export function IssueTrendCell(props: {
  issueId: string;
  state: IssueTrendsState;
}) {
  const { issueId, state } = props;
  if (state.error) {
    return (
      <Tooltip
        title={`Could not load the event counts: ${errorMessage(state.error)}`}
      >
        <Typography variant="caption" color="textSecondary">
          unavailable
        </Typography>
      </Tooltip>
    );
  }
  if (!state.trends) return null;
  return <IssueSparkline trend={state.trends.get(issueId)} />;
}
