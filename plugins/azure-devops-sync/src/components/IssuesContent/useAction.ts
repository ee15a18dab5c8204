import { useNotify } from '../../hooks/useNotify';
import { useCallback, useRef, useState } from 'react';
import { errorMessage } from '../../utils/errors';

/** What a user is told when an action ends. */
export interface ActionFeedback<A extends unknown[]> {
  /** Posted as a transient alert when the action succeeds. */
  success?: string | ((...args: A) => string);
  /**
   * Also post a failure as an alert, prefixed with this text, for controls
   * with no room for an inline error (the issues table). The inline error is
   * kept either way.
   */
  failure?: string | ((...args: A) => string);
}

/**
 * Runs one user action at a time and keeps the server's message when it
 * fails, so each control can show its own error next to it; with `feedback`,
 * success (and failure) are also announced through the alert API.
 */
export function useAction<A extends unknown[]>(
  fn: (...args: A) => Promise<void>,
  feedback?: ActionFeedback<A>,
): {
  busy: boolean;
  error?: string;
  run: (...args: A) => Promise<boolean>;
  clearError: () => void;
} {
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const messages = useRef(feedback);
  messages.current = feedback;
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(undefined);
      const text = (m?: string | ((...a: A) => string)) =>
        typeof m === 'function' ? m(...args) : m;
      try {
        await fn(...args);
        const success = text(messages.current?.success);
        if (success) {
          notify(success, 'success', { transient: true });
        }
        return true;
      } catch (e) {
        const message = errorMessage(e);
        setError(message);
        const failure = text(messages.current?.failure);
        if (failure) {
          notify(`${failure}: ${message}`, 'error');
        }
        return false;
      } finally {
        setBusy(false);
      }
    },
    [fn, notify],
  );
  const clearError = useCallback(() => setError(undefined), []);
  return { busy, error, run, clearError };
}
