import type { IssueLevel } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** A stack frame after normalization (oldest first, crash site last, as Sentry sends them). */
export interface NormalizedFrame {
  filename?: string;
  module?: string;
  function?: string;
  lineno?: number;
  colno?: number;
  inApp?: boolean;
}

export interface NormalizedException {
  type?: string;
  value?: string;
  module?: string;
  frames: NormalizedFrame[];
}

export interface NormalizedEventUser {
  id?: string;
  email?: string;
  username?: string;
  ipAddress?: string;
}

export interface NormalizedSpan {
  spanId?: string;
  parentSpanId?: string;
  op?: string;
  description?: string;
  startTimestamp?: string;
  timestamp?: string;
  /** Grouping hash: see {@link spanGroupHash}. */
  hash: string;
}

/** Fields every saved event has. Strings are trimmed to their column limits. */
interface NormalizedEventBase {
  /** Canonical (lower-case) catalog entity ref. */
  entityRef: string;
  /** 32 lower-case hex digits. */
  eventId: string;
  /** ISO timestamp. */
  timestamp: string;
  platform: string;
  level: IssueLevel;
  release?: string;
  environment?: string;
  user?: NormalizedEventUser;
  tags: Array<[string, string]>;
  contexts?: Record<string, unknown>;
}

export interface NormalizedErrorEvent extends NormalizedEventBase {
  type: 'error';
  message?: string;
  /** The message template (`logentry.message`) when it differs from the formatted one. */
  messageTemplate?: string;
  exceptions: NormalizedException[];
  fingerprint?: string[];
  transaction?: string;
  /** Computed: see grouping.ts. */
  groupHash: string;
  title: string;
  culprit: string;
}

export interface NormalizedTransactionEvent extends NormalizedEventBase {
  type: 'transaction';
  transaction: string;
  startTimestamp: string;
  durationMs: number;
  op?: string;
  status?: string;
  spans: NormalizedSpan[];
}

export type NormalizedEvent = NormalizedErrorEvent | NormalizedTransactionEvent;
