import {
  EnvelopeError,
  MAX_ENVELOPE_ITEMS,
  parseEnvelope,
} from './parseEnvelope';

const lines = (...parts: string[]) => Buffer.from(parts.join('\n'));

describe('parseEnvelope', () => {
  it('reads items with and without a length, byte-exact', () => {
    // 'é' is two bytes: the length counts bytes, not characters.
    const payload = '{"message":"café"}';
    const body = lines(
      '{"event_id":"9ec79c33ec9942ab8353589fcb2e04dc","sent_at":"2026-12-03T10:00:00Z"}',
      `{"type":"event","length":${Buffer.byteLength(payload)}}`,
      payload,
      '{"type":"session"}',
      '{"sid":"x","status":"ok"}',
      '{"type":"attachment","length":5,"filename":"a.bin"}',
      'ab\ncd',
      '',
    );
    const envelope = parseEnvelope(body);
    expect(envelope.header.event_id).toBe('9ec79c33ec9942ab8353589fcb2e04dc');
    expect(envelope.items.map(i => i.type)).toEqual([
      'event',
      'session',
      'attachment',
    ]);
    expect(JSON.parse(envelope.items[0].payload.toString('utf8'))).toEqual({
      message: 'café',
    });
    expect(envelope.items[2].payload.toString()).toBe('ab\ncd');
  });

  it('takes a last payload without a newline, and blank lines between items', () => {
    const envelope = parseEnvelope(
      lines(
        '{}',
        '{"type":"event"}',
        '{"a":1}',
        '',
        '{"type":"client_report"}',
        '{}',
      ),
    );
    expect(envelope.items.map(i => i.payload.toString())).toEqual([
      '{"a":1}',
      '{}',
    ]);
  });

  it.each([
    ['an empty body', '', 'The envelope is empty'],
    [
      'a header that is not JSON',
      'hello\n',
      'envelope header: not a JSON line',
    ],
    [
      'a header that is an array',
      '[1]\n',
      'envelope header: expected a JSON object',
    ],
    [
      'an item header that is not JSON',
      '{}\n{type:event}\n{}',
      'item 0 header: not a JSON line',
    ],
    [
      'an item without a type',
      '{}\n{"length":2}\n{}',
      'item 0 header: no type',
    ],
    [
      'a negative length',
      '{}\n{"type":"event","length":-1}\n{}',
      'item 0 (event): length must be a non-negative integer',
    ],
    [
      'a length past the end',
      '{}\n{"type":"event","length":500}\n{}',
      'item 0 (event): length 500 runs past the end of the envelope',
    ],
    [
      'a length that stops mid-line',
      '{}\n{"type":"event","length":1}\n{}',
      'item 0 (event): expected a newline after its 1 bytes',
    ],
  ])('refuses %s', (_what, body, message) => {
    expect(() => parseEnvelope(Buffer.from(body))).toThrow(
      new EnvelopeError(message),
    );
  });

  it('refuses more items than any SDK sends', () => {
    const items = Array.from(
      { length: MAX_ENVELOPE_ITEMS + 1 },
      () => '{"type":"client_report"}\n{}',
    );
    expect(() => parseEnvelope(lines('{}', ...items))).toThrow(
      `more than ${MAX_ENVELOPE_ITEMS} items`,
    );
  });
});
