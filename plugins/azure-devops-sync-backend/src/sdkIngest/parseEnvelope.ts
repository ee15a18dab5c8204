/** A Sentry envelope: a JSON header line, then items, each a JSON header line and a payload. */

export interface EnvelopeItem {
  /** `event`, `transaction`, `span`, `session`, `client_report`, `attachment`, … */
  type: string;
  header: Record<string, unknown>;
  payload: Buffer;
}

export interface Envelope {
  header: Record<string, unknown>;
  items: EnvelopeItem[];
}

/** A body that is not an envelope: the route's 400, with this message. */
export class EnvelopeError extends Error {}

/** More items than any SDK sends in one envelope; bounds the work a body can ask for. */
export const MAX_ENVELOPE_ITEMS = 1000;

const NEWLINE = 0x0a;

function headerLine(
  body: Buffer,
  start: number,
  what: string,
): { header: Record<string, unknown>; next: number } {
  let end = body.indexOf(NEWLINE, start);
  if (end === -1) end = body.length;
  const text = body.toString('utf8', start, end).trim();
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch {
    throw new EnvelopeError(`${what}: not a JSON line`);
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) {
    throw new EnvelopeError(`${what}: expected a JSON object`);
  }
  return { header: header as Record<string, unknown>, next: end + 1 };
}

/**
 * Splits an envelope (https://develop.sentry.dev/sdk/envelopes/). An item header's `length` is
 * its payload's size in bytes; without one the payload runs to the next newline. Payloads are
 * not parsed here.
 */
export function parseEnvelope(body: Buffer): Envelope {
  if (body.length === 0) throw new EnvelopeError('The envelope is empty');
  const { header, next } = headerLine(body, 0, 'envelope header');
  const items: EnvelopeItem[] = [];
  let pos = next;
  while (pos < body.length) {
    // Blank lines between items (and a trailing newline) are allowed.
    if (body[pos] === NEWLINE) {
      pos++;
      continue;
    }
    const label = `item ${items.length}`;
    if (items.length >= MAX_ENVELOPE_ITEMS) {
      throw new EnvelopeError(`more than ${MAX_ENVELOPE_ITEMS} items`);
    }
    const item = headerLine(body, pos, `${label} header`);
    const type = item.header.type;
    if (typeof type !== 'string' || type.length === 0) {
      throw new EnvelopeError(`${label} header: no type`);
    }
    pos = item.next;
    const length = item.header.length;
    let payload: Buffer;
    if (length !== undefined && length !== null) {
      if (!Number.isInteger(length) || (length as number) < 0) {
        throw new EnvelopeError(
          `${label} (${type}): length must be a non-negative integer`,
        );
      }
      const end = pos + (length as number);
      if (end > body.length) {
        throw new EnvelopeError(
          `${label} (${type}): length ${length} runs past the end of the envelope`,
        );
      }
      payload = body.subarray(pos, end);
      pos = end;
      if (pos < body.length && body[pos] !== NEWLINE) {
        throw new EnvelopeError(
          `${label} (${type}): expected a newline after its ${length} bytes`,
        );
      }
      pos++;
    } else {
      let end = body.indexOf(NEWLINE, pos);
      if (end === -1) end = body.length;
      payload = body.subarray(pos, end);
      pos = end + 1;
    }
    items.push({ type, header: item.header, payload });
  }
  return { header, items };
}
