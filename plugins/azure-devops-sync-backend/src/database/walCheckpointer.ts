/**
 * The WAL checkpoint thread is gone (issue 13): SQLite's own automatic checkpoint did as well in
 * the webhook bench (see the README's "PostgreSQL" section). This stub only keeps plugin.ts
 * compiling until its wiring drops the call; delete it together with that call.
 */
export async function startWalCheckpointer(
  ..._args: unknown[]
): Promise<{ stop(): Promise<void> } | undefined> {
  return undefined;
}
