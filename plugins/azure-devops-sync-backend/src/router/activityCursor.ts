import { ActivityPosition } from '../database/IssueStore';

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Opaque cursors of the activity pages: base64url of the last item's `[createdAt, id]`. Clients
 * only pass them back; the shape may change.
 */
export function encodeActivityCursor(position: ActivityPosition): string {
  return Buffer.from(
    JSON.stringify([position.createdAt, position.id]),
  ).toString('base64url');
}

/** The position a cursor stands for, or undefined when it is not one of ours. */
export function decodeActivityCursor(
  cursor: string,
): ActivityPosition | undefined {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      typeof value[0] !== 'string' ||
      typeof value[1] !== 'string' ||
      value[1].length === 0 ||
      !ISO_TIME.test(value[0]) ||
      Number.isNaN(Date.parse(value[0]))
    ) {
      return undefined;
    }
    return { createdAt: value[0], id: value[1] };
  } catch {
    return undefined;
  }
}
