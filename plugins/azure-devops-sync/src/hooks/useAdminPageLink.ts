import {
  routeResolutionApiRef,
  useApiHolder,
} from '@backstage/frontend-plugin-api';
import { useMemo } from 'react';
import { useLocation } from 'react-router-dom';
import { adminPageRouteRef } from '../routes';

/**
 * The admin page's path in an app of the new frontend system, or undefined
 * where it cannot be resolved (a legacy app, a test without the page). Read
 * through the API holder instead of `useRouteRef`, which throws without the
 * route resolution API.
 */
export function useAdminPageLink(): string | undefined {
  const resolution = useApiHolder().get(routeResolutionApiRef);
  const { pathname } = useLocation();
  return useMemo(() => {
    try {
      return resolution?.resolve(adminPageRouteRef, {
        sourcePath: pathname,
      })?.();
    } catch {
      return undefined;
    }
  }, [resolution, pathname]);
}
