import { createHash, randomUUID } from 'node:crypto';

/** A Sentry-style event as `POST /api/azure-devops-sync/events` takes it. */
export type SampleEvent = Record<string, unknown> & {
  entityRef: string;
  event_id: string;
};

interface Frame {
  filename: string;
  function: string;
  lineno: number;
  module?: string;
}

/** One kind of error of the story: every event of a kind lands in one issue. */
export interface StoryError {
  key: string;
  entityRef: string;
  type: string;
  /** The message of the i-th event (values vary, the issue stays one). */
  value: (i: number) => string;
  /** Innermost frame last, as Sentry sends them. */
  frames: Frame[];
  level?: 'error' | 'warning' | 'fatal';
  platform: string;
  release: string;
  tags?: Record<string, string>;
  /** Events saved on the first start, spread over `days` days. */
  count: number;
  days: number;
  /** Share of the events in the last 24 hours (a spike on the sparkline). */
  recentShare?: number;
  /** No event in the last `quietDays` days (a fixed bug). */
  quietDays?: number;
}

/** One kind of transaction (a request or an app start). */
export interface StoryTransaction {
  key: string;
  entityRef: string;
  transaction: string;
  op: string;
  platform: string;
  release: string;
  /** Typical duration and spans (share of the duration each). */
  durationMs: number;
  spans: Array<{ op: string; description: string; share: number }>;
  count: number;
}

export const PAYMENTS = 'component:default/payments-api';
export const WEB = 'component:default/fabrikam-fiber-web';
export const MOBILE = 'component:default/mobile-app';

export const STORY_ERRORS: StoryError[] = [
  {
    key: 'gateway-timeout',
    entityRef: PAYMENTS,
    type: 'GatewayTimeoutError',
    value: i =>
      `Payment gateway did not answer within 30000 ms (POST /v2/charges, attempt ${
        1 + (i % 3)
      } of 3)`,
    frames: [
      {
        filename: 'src/routes/payments.ts',
        function: 'postPayment',
        lineno: 27,
      },
      {
        filename: 'src/payments/capture.ts',
        function: 'capturePayment',
        lineno: 41,
      },
      {
        filename: 'src/gateway/client.ts',
        function: 'GatewayClient.charge',
        lineno: 88,
      },
    ],
    platform: 'node',
    release: 'payments-api@4.12.0',
    tags: { region: 'westeurope', gateway: 'adyen' },
    count: 34,
    days: 14,
    recentShare: 0.5,
  },
  {
    key: 'sepa-unsupported',
    entityRef: PAYMENTS,
    type: 'UnsupportedPaymentMethodError',
    value: i =>
      `Payment method "sepa_debit" is not enabled for merchant m_${
        4800 + (i % 7)
      }`,
    frames: [
      {
        filename: 'src/routes/payments.ts',
        function: 'postPayment',
        lineno: 22,
      },
      {
        filename: 'src/payments/methods.ts',
        function: 'resolveMethod',
        lineno: 19,
      },
    ],
    platform: 'node',
    release: 'payments-api@4.12.0',
    count: 12,
    days: 10,
  },
  {
    key: 'reset-token',
    entityRef: WEB,
    type: 'TypeError',
    value: () => "Cannot read properties of null (reading 'resetToken')",
    frames: [
      { filename: 'src/pages/Login.tsx', function: 'onSubmit', lineno: 112 },
      {
        filename: 'src/auth/passwordReset.ts',
        function: 'completeReset',
        lineno: 57,
      },
    ],
    platform: 'javascript',
    release: 'fabrikam-fiber-web@2.14.0',
    tags: { browser: 'Chrome 131' },
    count: 21,
    days: 7,
    recentShare: 0.3,
  },
  {
    key: 'duplicate-rows',
    entityRef: WEB,
    type: 'Error',
    value: i =>
      `Encountered two children with the same key, \`order-${1040 + (i % 5)}\``,
    frames: [
      { filename: 'src/pages/Orders.tsx', function: 'OrdersPage', lineno: 48 },
      {
        filename: 'src/components/OrderHistory.tsx',
        function: 'OrderHistory',
        lineno: 31,
      },
    ],
    level: 'warning',
    platform: 'javascript',
    release: 'fabrikam-fiber-web@2.14.0',
    count: 9,
    days: 12,
  },
  {
    key: 'cart-lost',
    entityRef: WEB,
    type: 'CartSyncError',
    value: i =>
      `Saved cart c_${(7300 + i * 37).toString(
        16,
      )} was not found after sign-in`,
    frames: [
      { filename: 'src/auth/signIn.ts', function: 'afterSignIn', lineno: 64 },
      { filename: 'src/cart/sync.ts', function: 'mergeCarts', lineno: 73 },
    ],
    platform: 'javascript',
    release: 'fabrikam-fiber-web@2.13.2',
    count: 15,
    days: 14,
    quietDays: 5,
  },
  {
    key: 'name-format',
    entityRef: MOBILE,
    type: 'SyntaxError',
    value: () => "Unexpected token ' in JSON at position 14",
    frames: [
      {
        filename: 'src/screens/Profile.tsx',
        function: 'ProfileHeader',
        lineno: 23,
      },
      {
        filename: 'src/profile/nameFormatter.ts',
        function: 'formatDisplayName',
        lineno: 9,
      },
    ],
    level: 'fatal',
    platform: 'javascript',
    release: 'mobile-app@3.8.0',
    tags: { os: 'iOS 18.1', device: 'iPhone15,2' },
    count: 16,
    days: 9,
    recentShare: 0.25,
  },
  {
    key: 'feed-network',
    entityRef: MOBILE,
    type: 'TypeError',
    value: () => 'Network request failed',
    frames: [
      { filename: 'src/screens/Feed.tsx', function: 'useFeed', lineno: 40 },
      { filename: 'src/api/client.ts', function: 'fetchFeed', lineno: 18 },
    ],
    level: 'warning',
    platform: 'javascript',
    release: 'mobile-app@3.8.0',
    tags: { os: 'Android 15', connection: 'cellular' },
    count: 6,
    days: 5,
  },
];

export const STORY_TRANSACTIONS: StoryTransaction[] = [
  {
    key: 'post-payments',
    entityRef: PAYMENTS,
    transaction: 'POST /v1/payments',
    op: 'http.server',
    platform: 'node',
    release: 'payments-api@4.12.0',
    durationMs: 420,
    spans: [
      {
        op: 'db.query',
        description: 'SELECT * FROM merchants WHERE id = $1',
        share: 0.08,
      },
      {
        op: 'http.client',
        description: 'POST https://gateway.example.com/v2/charges',
        share: 0.7,
      },
      {
        op: 'db.query',
        description: 'INSERT INTO payments (…) VALUES (…)',
        share: 0.1,
      },
    ],
    count: 24,
  },
  {
    key: 'post-refunds',
    entityRef: PAYMENTS,
    transaction: 'POST /v1/refunds',
    op: 'http.server',
    platform: 'node',
    release: 'payments-api@4.12.0',
    durationMs: 310,
    spans: [
      {
        op: 'db.query',
        description: 'SELECT * FROM payments WHERE id = $1',
        share: 0.1,
      },
      {
        op: 'http.client',
        description: 'POST https://gateway.example.com/v2/refunds',
        share: 0.75,
      },
    ],
    count: 10,
  },
  {
    key: 'get-orders',
    entityRef: WEB,
    transaction: '/orders',
    op: 'pageload',
    platform: 'javascript',
    release: 'fabrikam-fiber-web@2.14.0',
    durationMs: 1350,
    spans: [
      { op: 'http.client', description: 'GET /api/orders?page=1', share: 0.45 },
      { op: 'ui.render', description: 'OrderHistory', share: 0.2 },
    ],
    count: 14,
  },
  {
    key: 'app-start',
    entityRef: MOBILE,
    transaction: 'App Start',
    op: 'app.start.cold',
    platform: 'javascript',
    release: 'mobile-app@3.8.0',
    durationMs: 2100,
    spans: [
      { op: 'app.start.cold', description: 'Cold Start', share: 0.6 },
      { op: 'http.client', description: 'GET /api/feed', share: 0.3 },
    ],
    count: 12,
  },
];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The same "random" number in [0, 1) for the same inputs on every run. */
function unit(...parts: Array<string | number>): number {
  const hex = createHash('sha1').update(parts.join(':')).digest('hex');
  return parseInt(hex.slice(0, 8), 16) / 0x1_0000_0000;
}

function storyId(...parts: Array<string | number>): string {
  return createHash('sha1')
    .update(['demo-story', ...parts].join(':'))
    .digest('hex')
    .slice(0, 32);
}

/** When the i-th seeded event of a kind happened, at least a few minutes before `now`. */
function seededTime(kind: StoryError, i: number, now: number): number {
  const r = unit(kind.key, i, 'time');
  const recent = (kind.recentShare ?? 0) > unit(kind.key, i, 'recent');
  if (recent) return now - 5 * 60_000 - r * (DAY - 5 * 60_000);
  const newest = Math.max(kind.quietDays ?? 0, 0.2) * DAY;
  return now - newest - r * (kind.days * DAY - newest);
}

function errorEvent(
  kind: StoryError,
  i: number,
  at: number,
  eventId: string,
): SampleEvent {
  return {
    entityRef: kind.entityRef,
    event_id: eventId,
    timestamp: new Date(at).toISOString(),
    platform: kind.platform,
    level: kind.level ?? 'error',
    release: kind.release,
    environment: 'production',
    tags: kind.tags,
    user: { id: `u_${1000 + Math.floor(unit(kind.key, i, 'user') * 400)}` },
    exception: {
      values: [
        {
          type: kind.type,
          value: kind.value(i),
          stacktrace: {
            frames: kind.frames.map(f => ({ ...f, in_app: true })),
          },
        },
      ],
    },
  };
}

function transactionEvent(
  kind: StoryTransaction,
  i: number,
  end: number,
  eventId: string,
): SampleEvent {
  const duration = kind.durationMs * (0.6 + unit(kind.key, i, 'd') * 1.2);
  const start = end - duration;
  const traceId = storyId(kind.key, i, 'trace', eventId);
  let offset = 0;
  return {
    entityRef: kind.entityRef,
    event_id: eventId,
    type: 'transaction',
    transaction: kind.transaction,
    start_timestamp: new Date(start).toISOString(),
    timestamp: new Date(end).toISOString(),
    platform: kind.platform,
    release: kind.release,
    environment: 'production',
    contexts: {
      trace: {
        trace_id: traceId,
        span_id: traceId.slice(0, 16),
        op: kind.op,
        status: 'ok',
      },
    },
    spans: kind.spans.map((s, n) => {
      const spanStart = start + offset;
      const spanMs = duration * s.share;
      offset += spanMs;
      return {
        span_id: storyId(eventId, n).slice(0, 16),
        parent_span_id: traceId.slice(0, 16),
        op: s.op,
        description: s.description,
        start_timestamp: new Date(spanStart).toISOString(),
        timestamp: new Date(spanStart + spanMs).toISOString(),
      };
    }),
  };
}

/**
 * The events of the first start: fixed ids (saving them again is a no-op, so a restart adds
 * nothing), spread over the last two weeks relative to `now`.
 */
export function storyEvents(now: number): SampleEvent[] {
  const events: SampleEvent[] = [];
  for (const kind of STORY_ERRORS) {
    for (let i = 0; i < kind.count; i++) {
      events.push(
        errorEvent(kind, i, seededTime(kind, i, now), storyId(kind.key, i)),
      );
    }
  }
  for (const kind of STORY_TRANSACTIONS) {
    for (let i = 0; i < kind.count; i++) {
      const at = now - 5 * 60_000 - unit(kind.key, i, 'time') * 14 * DAY;
      events.push(transactionEvent(kind, i, at, storyId(kind.key, i)));
    }
  }
  return events;
}

/** The fixed id of the first seeded event of an error kind (to find its issue). */
export function storyEventId(key: string): string {
  return storyId(key, 0);
}

/**
 * More events, as an app would send them now (`npm run demo:events`): new ids, the last few
 * minutes, errors of the story's kinds (some hit fixed issues again: regressions) and
 * transactions. `entityRef` narrows them to one component.
 */
export function freshEvents(
  count: number,
  options: { entityRef?: string; now?: number } = {},
): SampleEvent[] {
  const now = options.now ?? Date.now();
  const errors = STORY_ERRORS.filter(
    k => !options.entityRef || k.entityRef === options.entityRef,
  );
  const transactions = STORY_TRANSACTIONS.filter(
    k => !options.entityRef || k.entityRef === options.entityRef,
  );
  const events: SampleEvent[] = [];
  for (let n = 0; n < count; n++) {
    const id = randomUUID().replace(/-/g, '');
    const at = now - Math.random() * 10 * 60_000;
    const i = Math.floor(Math.random() * 1000);
    if (transactions.length > 0 && (errors.length === 0 || n % 3 === 2)) {
      const kind = transactions[n % transactions.length];
      events.push(transactionEvent(kind, i, at, id));
    } else if (errors.length > 0) {
      const kind = errors[Math.floor(Math.random() * errors.length)];
      events.push(errorEvent(kind, i, at, id));
    }
  }
  return events;
}
