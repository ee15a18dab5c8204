/** How often one issue was seen lately: the sparkline of the issues tab. @public */
export interface IssueTrend {
  issueId: string;
  /** Events in each of the last 24 hours, oldest first; the last ends at `generatedAt`. */
  last24h: number[];
  /** Events in each of the last 14 days (24 h each), oldest first. */
  last14d: number[];
}

/** `GET /events/trends?entityRef=`: the entity's issues seen in the last 14 days. @public */
export interface IssueTrendList {
  items: IssueTrend[];
  generatedAt: string;
}
