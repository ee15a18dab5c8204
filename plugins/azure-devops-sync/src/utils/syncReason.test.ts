import { formatCountdown, parseSyncReason, skipHint } from './syncReason';

describe('parseSyncReason', () => {
  it('splits the last error from the next try', () => {
    expect(
      parseSyncReason(
        'HTTP 500 from Azure DevOps; next try at 2026-12-03T12:00:05.000Z',
      ),
    ).toEqual({
      text: 'HTTP 500 from Azure DevOps',
      nextTryAt: Date.parse('2026-12-03T12:00:05.000Z'),
    });
  });

  it('keeps reasons without a next try as they are', () => {
    expect(parseSyncReason('No status mapping for project Payments')).toEqual({
      text: 'No status mapping for project Payments',
    });
    expect(parseSyncReason(undefined)).toEqual({ text: '' });
  });

  it('accepts a reason that is only the next try', () => {
    expect(parseSyncReason('next try at 2026-12-03T12:00:05Z')).toEqual({
      text: '',
      nextTryAt: Date.parse('2026-12-03T12:00:05Z'),
    });
  });

  it('leaves an unreadable time in the text', () => {
    expect(parseSyncReason('Boom; next try at soon')).toEqual({
      text: 'Boom; next try at soon',
    });
  });
});

describe('formatCountdown', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it.each([
    [0, 'now'],
    [-5000, 'now'],
    [400, 'in 1 s'],
    [4000, 'in 4 s'],
    [60_000, 'in 1 min'],
    [125_000, 'in 2 min 5 s'],
    [3_720_000, 'in 1 h 2 min'],
  ])('%d ms ahead reads %s', (ahead, text) => {
    expect(formatCountdown(now + ahead, now)).toBe(text);
  });
});

describe('skipHint', () => {
  it.each([
    'No status mapping for project Mobile',
    'Status sync to Azure DevOps is off (no project mapping)',
    'Assignment sync to Azure DevOps is off',
    'Comment sync to Azure DevOps is off',
  ])('points %p at the sync settings', reason => {
    expect(skipHint(reason)).toMatch(/Azure DevOps Sync card/);
  });

  it('says nothing about other rules', () => {
    expect(skipHint('Superseded by a later change')).toBeUndefined();
    expect(skipHint(undefined)).toBeUndefined();
  });
});
