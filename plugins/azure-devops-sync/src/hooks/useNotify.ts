import {
  alertApiRef,
  coreApis,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { useCallback } from 'react';

/** How a message reads: the alert API's severities. */
export type NotifySeverity = 'success' | 'info' | 'warning' | 'error';

const TOAST_STATUS = {
  success: 'success',
  info: 'info',
  warning: 'warning',
  error: 'danger',
} as const;

/** How long a transient message stays, as the alert API's transient display. */
const TRANSIENT_MS = 5000;

/**
 * Posts a short message to the user: as a toast where the app has the toast
 * API (the new frontend system, where the alert API is deprecated and says so
 * in the console), else through the alert API (a legacy app).
 */
export function useNotify(): (
  message: string,
  severity: NotifySeverity,
  options?: { transient?: boolean },
) => void {
  const apis = useApiHolder();
  const toastApi = apis.get(coreApis.toast);
  const alertApi = apis.get(alertApiRef);
  return useCallback(
    (message, severity, options) => {
      if (toastApi) {
        toastApi.post({
          title: message,
          status: TOAST_STATUS[severity],
          timeout: options?.transient ? TRANSIENT_MS : undefined,
        });
        return;
      }
      alertApi?.post({
        message,
        severity,
        ...(options?.transient ? { display: 'transient' as const } : {}),
      });
    },
    [toastApi, alertApi],
  );
}
