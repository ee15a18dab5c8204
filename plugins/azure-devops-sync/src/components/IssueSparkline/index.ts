export {
  IssueSparkline,
  trendCounts,
  trendLabel,
  type TrendPeriod,
} from './IssueSparkline';
export { IssueTrendCell, type IssueTrendsState } from './IssueTrendCell';
