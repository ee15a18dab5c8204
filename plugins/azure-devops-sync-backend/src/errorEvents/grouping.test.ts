import {
  eventCulprit,
  eventTitle,
  groupHash,
  groupingComponents,
  normalizeMessage,
} from './grouping';
import type { NormalizedFrame } from './types';

const frame = (
  fn: string,
  extra: Partial<NormalizedFrame> = {},
): NormalizedFrame => ({
  module: `app.${fn}`,
  function: fn,
  lineno: 1,
  inApp: true,
  ...extra,
});

const exception = (
  frames: NormalizedFrame[],
  type = 'TypeError',
  value = 'boom',
) => ({
  exceptions: [{ type, value, frames }],
});

describe('grouping', () => {
  it('groups the same in-app frames together whatever their line numbers', () => {
    const a = exception([
      frame('main', { lineno: 1 }),
      frame('charge', { lineno: 10, colno: 4 }),
    ]);
    const b = exception(
      [frame('main', { lineno: 7 }), frame('charge', { lineno: 99 })],
      'TypeError',
      'other value',
    );
    expect(groupHash(a)).toBe(groupHash(b));
    expect(groupHash(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('separates different in-app frames and different exception types', () => {
    const a = exception([frame('main'), frame('charge')]);
    expect(groupHash(a)).not.toBe(
      groupHash(exception([frame('main'), frame('refund')])),
    );
    expect(groupHash(a)).not.toBe(
      groupHash(exception([frame('main'), frame('charge')], 'RangeError')),
    );
  });

  it('ignores library frames when there are in-app ones, and uses all frames otherwise', () => {
    const lib = (fn: string) =>
      frame(fn, { inApp: false, module: `node_modules.${fn}` });
    expect(groupHash(exception([lib('express'), frame('charge')]))).toBe(
      groupHash(exception([lib('koa'), frame('charge')])),
    );
    expect(groupHash(exception([lib('express')]))).not.toBe(
      groupHash(exception([lib('koa')])),
    );
  });

  it('uses the file name without query string when a frame has no module', () => {
    const f = (filename: string) => ({ filename, function: 'x', inApp: true });
    expect(groupHash(exception([f('https://cdn/app.js?v=1')]))).toBe(
      groupHash(exception([f('https://cdn/app.js?v=2')])),
    );
  });

  it('groups by explicit fingerprint, expanding {{ default }}', () => {
    const a = { ...exception([frame('a')]), fingerprint: ['db-timeout'] };
    const b = {
      ...exception([frame('b')], 'Other'),
      fingerprint: ['db-timeout'],
    };
    expect(groupHash(a)).toBe(groupHash(b));
    const withDefault = {
      ...exception([frame('a')]),
      fingerprint: ['{{ default }}', 'eu'],
    };
    expect(groupingComponents(withDefault)).toEqual([
      'type:TypeError',
      'frame:app.a:a',
      'fingerprint:eu',
    ]);
    expect(groupHash(withDefault)).not.toBe(groupHash(exception([frame('a')])));
  });

  it('groups messages by their normalized text', () => {
    const m = (message: string) => groupHash({ exceptions: [], message });
    expect(m('Order 1234 failed for user "bob"')).toBe(
      m('Order 99 failed for user "alice"'),
    );
    expect(m('Order 1 failed')).not.toBe(m('Refund 1 failed'));
    expect(
      groupHash({
        exceptions: [],
        message: 'Hi bob',
        messageTemplate: 'Hi %s',
      }),
    ).toBe(
      groupHash({
        exceptions: [],
        message: 'Hi alice',
        messageTemplate: 'Hi %s',
      }),
    );
  });

  it('normalizes ids, numbers, quoted strings, dates and addresses', () => {
    expect(
      normalizeMessage(
        'User 42 (id 550e8400-e29b-41d4-a716-446655440000) at 10.0.0.1 hit 0xdeadbeef / deadbeef01 on 2026-11-20T10:00:00Z with \'secret\' and "x"',
      ),
    ).toBe(
      'User <int> (id <uuid>) at <ip> hit <hex> / <hex> on <date> with <str> and <str>',
    );
  });

  it('titles and culprits like Sentry', () => {
    const input = exception(
      [frame('main'), frame('charge'), frame('lib', { inApp: false })],
      'TypeError',
      'x is undefined\nmore',
    );
    expect(eventTitle(input)).toBe('TypeError: x is undefined');
    expect(eventCulprit(input)).toBe('app.charge in charge');
    expect(
      eventTitle({ exceptions: [], message: 'Something broke\nstack' }),
    ).toBe('Something broke');
    expect(
      eventCulprit({ exceptions: [], message: 'm', transaction: '/checkout' }),
    ).toBe('/checkout');
    expect(eventTitle({ exceptions: [] })).toBe('<unlabeled event>');
    expect(
      eventTitle({ exceptions: [], message: 'x'.repeat(400) }),
    ).toHaveLength(255);
    // Chained exceptions: the last one is the one raised.
    expect(
      eventTitle({
        exceptions: [
          { type: 'IOError', value: 'cause', frames: [] },
          { type: 'ServiceError', value: 'wrapped', frames: [] },
        ],
      }),
    ).toBe('ServiceError: wrapped');
  });
});
