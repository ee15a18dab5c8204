import { useCallback, useState } from 'react';
import { errorMessage } from '../../utils/errors';

/**
 * Runs one user action at a time and keeps the server's message when it
 * fails, so each control can show its own error next to it.
 */
export function useAction<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
): {
  busy: boolean;
  error?: string;
  run: (...args: A) => Promise<boolean>;
  clearError: () => void;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(undefined);
      try {
        await fn(...args);
        return true;
      } catch (e) {
        setError(errorMessage(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  const clearError = useCallback(() => setError(undefined), []);
  return { busy, error, run, clearError };
}
