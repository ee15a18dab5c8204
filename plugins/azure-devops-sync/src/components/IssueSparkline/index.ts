export {
  IssueSparkline,
  trendCounts,
  trendLabel,
  type TrendPeriod,
} from './IssueSparkline';
