/** What an ADO state change means for the linked issues. */
export type InboundStatusAction = 'resolve' | 'unresolve' | 'noop';

/**
 * `get_resolve_sync_action`, with the reference's flips fixed: only a move *into* the done
 * states resolves and only a move *out of* them unresolves. New → Active, (none) → New and
 * Resolved → Closed change nothing.
 */
export function inboundStatusAction(
  oldState: string | null | undefined,
  newState: string | null | undefined,
  doneStates: readonly string[],
): InboundStatusAction {
  if (!newState) return 'noop';
  const done = new Set(doneStates);
  const wasDone = oldState ? done.has(oldState) : false;
  const isDone = done.has(newState);
  if (!wasDone && isDone) return 'resolve';
  if (wasDone && !isDone) return 'unresolve';
  return 'noop';
}
