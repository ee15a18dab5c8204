import { useApi } from '@backstage/core-plugin-api';
import {
  MAX_WORK_ITEMS_PAGE,
  type BoardsWorkItem,
  type BoardsWorkItemList,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { useCallback, useRef } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import useAsync from 'react-use/esm/useAsync';
import { azureDevOpsSyncApiRef, type ListWorkItemsOptions } from '../../api';

/**
 * One page of an entity's work items (`GET /work-items`); nothing is asked
 * while `enabled` is false (an entity without the project annotation). The
 * page shown stays while the next one loads.
 */
export function useWorkItems(query: ListWorkItemsOptions, enabled: boolean) {
  const api = useApi(azureDevOpsSyncApiRef);
  const { entityRef, state, type, assignedTo, q, top, skip } = query;
  // Set by `refresh` for the one load it starts: the backend then asks ADO again.
  const bypassCache = useRef(false);
  const page = useAsyncRetry(async (): Promise<
    BoardsWorkItemList | undefined
  > => {
    const refresh = bypassCache.current;
    bypassCache.current = false;
    return enabled
      ? api.listWorkItems({
          entityRef,
          state,
          type,
          assignedTo,
          q,
          top,
          skip,
          refresh: refresh || undefined,
        })
      : undefined;
  }, [api, enabled, entityRef, state, type, assignedTo, q, top, skip]);
  const { retry } = page;
  const refresh = useCallback(() => {
    bypassCache.current = true;
    retry();
  }, [retry]);
  return { ...page, refresh };
}

/** A choice of a filter: the value the backend filters by and the label shown. */
export interface FilterOption {
  value: string;
  label: string;
}

export interface FilterOptions {
  states: FilterOption[];
  types: FilterOption[];
  assignees: FilterOption[];
}

/**
 * The choices of the filters: what the entity's most recent work items (one
 * page of the most the backend returns) hold, so a filter never offers a value
 * that matches nothing there.
 */
export function useRecentWorkItems(
  entityRef: string,
  enabled: boolean,
): BoardsWorkItem[] {
  const api = useApi(azureDevOpsSyncApiRef);
  const { value } = useAsync(
    async () =>
      enabled
        ? (await api.listWorkItems({ entityRef, top: MAX_WORK_ITEMS_PAGE }))
            .items
        : [],
    [api, entityRef, enabled],
  );
  return value ?? [];
}

function unique(options: FilterOption[]): FilterOption[] {
  const byValue = new Map<string, FilterOption>();
  for (const option of options) {
    if (option.value && !byValue.has(option.value))
      byValue.set(option.value, option);
  }
  return [...byValue.values()].sort((a, b) => a.label.localeCompare(b.label));
}

/** The filter choices from work items, plus the values already chosen. */
export function filterOptions(
  items: BoardsWorkItem[],
  chosen: { state?: string; type?: string; assignedTo?: string },
): FilterOptions {
  const extra = (value?: string) => (value ? [{ value, label: value }] : []);
  return {
    states: unique([
      ...items.map(i => ({ value: i.state, label: i.state })),
      ...extra(chosen.state),
    ]),
    types: unique([
      ...items.map(i => ({ value: i.type, label: i.type })),
      ...extra(chosen.type),
    ]),
    assignees: unique([
      ...items.flatMap(i =>
        i.assignedTo
          ? [
              {
                // The backend takes an e-mail or unique name, or a catalog user ref.
                value:
                  i.assignedTo.email ||
                  i.assignedTo.userEntityRef ||
                  i.assignedTo.displayName,
                label: i.assignedTo.displayName || i.assignedTo.email,
              },
            ]
          : [],
      ),
      ...extra(chosen.assignedTo),
    ]),
  };
}
