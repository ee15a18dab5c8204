/** A sync reason split into what went wrong and when the next try is. */
export interface SyncReason {
  /** The reason without its "next try at …" part; empty when it had only that. */
  text: string;
  /** Epoch ms of the next try, when the reason names one. */
  nextTryAt?: number;
}

// The backend writes "<last error>; next try at <ISO time>" for a pending change.
const NEXT_TRY = /(?:^|[;.,]?\s+)next try at (\S+?)\.?\s*$/i;

/** Splits `sync.reason` into its message and the time of the next try. */
export function parseSyncReason(reason: string | undefined): SyncReason {
  if (!reason) return { text: '' };
  const match = NEXT_TRY.exec(reason);
  if (!match) return { text: reason.trim() };
  const at = Date.parse(match[1]);
  if (Number.isNaN(at)) return { text: reason.trim() };
  return { text: reason.slice(0, match.index).trim(), nextTryAt: at };
}

/** "in 4 s", "in 2 min 5 s", or "now" once the time has come. */
export function formatCountdown(at: number, now: number): string {
  const seconds = Math.ceil((at - now) / 1000);
  if (seconds <= 0) return 'now';
  if (seconds < 60) return `in ${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes >= 60) {
    const hours = Math.floor(minutes / 60);
    return `in ${hours} h ${minutes % 60} min`;
  }
  const rest = seconds % 60;
  return rest ? `in ${minutes} min ${rest} s` : `in ${minutes} min`;
}

/**
 * What to do about a skipped change, when its rule is one of the sync
 * settings (a project without a status mapping, a sync switched off).
 */
export function skipHint(reason: string | undefined): string | undefined {
  if (!reason) return undefined;
  if (/no status mapping|sync to azure devops is off/i.test(reason)) {
    return 'change it on the Azure DevOps Sync card (Overview tab), then Retry';
  }
  return undefined;
}
