import { makeStyles } from '@material-ui/core/styles';
import type { IssueTrend } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** Which window the sparkline shows: 24 hourly or 14 daily buckets. */
export type TrendPeriod = '24h' | '14d';

const WINDOW: Record<TrendPeriod, string> = {
  '24h': 'the last 24 hours',
  '14d': 'the last 14 days',
};

const BAR = 2;
const GAP = 1;
const HEIGHT = 20;

const useStyles = makeStyles(theme => ({
  svg: { display: 'block', overflow: 'visible' },
  bar: { fill: theme.palette.primary.main },
  empty: { fill: theme.palette.divider },
}));

/** The counts the sparkline draws (a missing trend is a window of zeros). */
export function trendCounts(
  trend: IssueTrend | undefined,
  period: TrendPeriod,
): number[] {
  const size = period === '24h' ? 24 : 14;
  const counts = (period === '24h' ? trend?.last24h : trend?.last14d) ?? [];
  return Array.from({ length: size }, (_, i) => counts[i] ?? 0);
}

/** "12 events in the last 24 hours", "1 event in the last 14 days". */
export function trendLabel(counts: number[], period: TrendPeriod): string {
  const total = counts.reduce((sum, n) => sum + n, 0);
  return `${total} ${total === 1 ? 'event' : 'events'} in ${WINDOW[period]}`;
}

/**
 * A small bar chart of an issue's error events, oldest bucket first (like
 * Sentry's issue stream): 24 hourly bars, or 14 daily ones. Bars scale to the
 * busiest bucket; an empty bucket is a 1 px stub, so the window's width shows.
 * Screen readers get the total as the image's label.
 */
export function IssueSparkline(props: {
  trend?: IssueTrend;
  period?: TrendPeriod;
}) {
  const { trend, period = '24h' } = props;
  const classes = useStyles();
  const counts = trendCounts(trend, period);
  const label = trendLabel(counts, period);
  const max = Math.max(...counts, 1);
  const width = counts.length * (BAR + GAP) - GAP;
  return (
    <svg
      role="img"
      aria-label={label}
      className={classes.svg}
      width={width}
      height={HEIGHT}
      viewBox={`0 0 ${width} ${HEIGHT}`}
      data-testid="issue-sparkline"
    >
      <title>{label}</title>
      {counts.map((count, i) => {
        const height = count
          ? Math.max(2, Math.round((count / max) * HEIGHT))
          : 1;
        return (
          <rect
            key={i}
            x={i * (BAR + GAP)}
            y={HEIGHT - height}
            width={BAR}
            height={height}
            className={count ? classes.bar : classes.empty}
            data-count={count}
          />
        );
      })}
    </svg>
  );
}
