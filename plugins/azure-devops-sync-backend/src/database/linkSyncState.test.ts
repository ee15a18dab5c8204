import { LinkJobRecord, linkSyncState } from './linkSyncState';

const LINKED = '2026-12-03T12:00:00.400Z';

function job(overrides: Partial<LinkJobRecord>): LinkJobRecord {
  return {
    id: 'j1',
    payload: { kind: 'status', status: 'resolved' },
    status: 'pending',
    lastError: null,
    outcome: null,
    createdAt: '2026-12-03T12:01:00.000Z',
    nextAttemptAt: '2026-12-03T12:01:00.000Z',
    claimedAt: null,
    finishedAt: null,
    ...overrides,
  };
}

describe('linkSyncState', () => {
  it.each<[string, LinkJobRecord[], object]>([
    ['no job yet', [], { status: 'synced', updatedAt: LINKED }],
    [
      'queued, never tried',
      [job({})],
      { status: 'pending', updatedAt: '2026-12-03T12:01:00.000Z' },
    ],
    [
      'waiting to retry',
      [
        job({
          lastError: 'Azure DevOps answered HTTP 500: down',
          claimedAt: '2026-12-03T12:01:01.000Z',
          nextAttemptAt: '2026-12-03T12:01:05.000Z',
        }),
      ],
      {
        status: 'pending',
        reason:
          'Azure DevOps answered HTTP 500: down; next try at 2026-12-03T12:01:05.000Z',
        updatedAt: '2026-12-03T12:01:01.000Z',
      },
    ],
    [
      'running again after an error',
      [
        job({
          status: 'running',
          lastError: 'Azure DevOps answered HTTP 503: stopped',
          claimedAt: '2026-12-03T12:01:06.000Z',
        }),
      ],
      {
        status: 'pending',
        reason: 'Azure DevOps answered HTTP 503: stopped; trying again now',
        updatedAt: '2026-12-03T12:01:06.000Z',
      },
    ],
    [
      'gave up',
      [
        job({
          status: 'failed',
          lastError: 'Azure DevOps answered HTTP 400: bad',
          finishedAt: '2026-12-03T12:02:00.000Z',
        }),
      ],
      {
        status: 'failed',
        reason: 'Azure DevOps answered HTTP 400: bad',
        updatedAt: '2026-12-03T12:02:00.000Z',
      },
    ],
    [
      'skipped by a rule',
      [
        job({
          status: 'skipped',
          outcome: 'No status mapping for project Payments',
          finishedAt: '2026-12-03T12:02:00.000Z',
        }),
      ],
      {
        status: 'skipped',
        reason: 'No status mapping for project Payments',
        updatedAt: '2026-12-03T12:02:00.000Z',
      },
    ],
    ...[
      'Already in state Done',
      'Already resolved in Azure DevOps (state Closed)',
      'Superseded: the issue is unresolved now',
    ].map(
      outcome =>
        [
          `skipped as nothing was needed (${outcome})`,
          [
            job({
              status: 'skipped',
              outcome,
              finishedAt: '2026-12-03T12:02:00.000Z',
            }),
          ],
          { status: 'synced', updatedAt: '2026-12-03T12:02:00.000Z' },
        ] as [string, LinkJobRecord[], object],
    ),
    [
      'done',
      [job({ status: 'done', finishedAt: '2026-12-03T12:02:00.000Z' })],
      { status: 'synced', updatedAt: '2026-12-03T12:02:00.000Z' },
    ],
    [
      'an open job wins over a later finished one',
      [
        job({ id: 'a', lastError: 'boom', nextAttemptAt: 'soon' }),
        job({
          id: 'b',
          status: 'done',
          finishedAt: '2026-12-03T12:03:00.000Z',
        }),
      ],
      { status: 'pending', reason: 'boom; next try at soon' },
    ],
    [
      'the last finished job when none is open',
      [
        job({ id: 'a', status: 'failed', lastError: 'old failure' }),
        job({
          id: 'b',
          status: 'done',
          finishedAt: '2026-12-03T12:03:00.000Z',
        }),
      ],
      { status: 'synced', updatedAt: '2026-12-03T12:03:00.000Z' },
    ],
    [
      'jobs of an earlier link to the work item do not count',
      [
        job({
          status: 'skipped',
          outcome: 'The work item was unlinked from the issue',
          createdAt: '2026-12-03T11:59:59.000Z',
        }),
      ],
      { status: 'synced', updatedAt: LINKED },
    ],
  ])('%s', (_name, jobs, expected) => {
    const { sync } = linkSyncState(LINKED, jobs);
    expect(sync).toMatchObject(expected);
    // A synced link never carries a reason the portal would show as a problem.
    expect(sync.status !== 'synced' || sync.reason === undefined).toBe(true);
  });

  it('names the job a retry would queue again', () => {
    const failed = job({ id: 'f', status: 'failed', lastError: 'x' });
    expect(linkSyncState(LINKED, [failed]).job).toBe(failed);
    expect(linkSyncState(LINKED, []).job).toBeUndefined();
  });
});
