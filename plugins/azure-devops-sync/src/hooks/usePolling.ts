import { useEffect, useRef } from 'react';

/** How often the issues are re-read while a change is pending and no signals arrive. */
export const PENDING_POLL_INTERVAL_MS = 2000;

/** Calls `poll` every `intervalMs` while `active`. */
export function usePolling(
  active: boolean,
  poll: () => void,
  intervalMs: number = PENDING_POLL_INTERVAL_MS,
): void {
  const latest = useRef(poll);
  latest.current = poll;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => latest.current(), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
}
