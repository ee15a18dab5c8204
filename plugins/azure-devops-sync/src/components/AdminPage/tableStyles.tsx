import type { TableColumn } from '@backstage/core-components';
import Tooltip from '@material-ui/core/Tooltip';
import { makeStyles } from '@material-ui/core/styles';
import { MTableCell } from '@material-table/core';
import { type ReactNode, useMemo, useRef } from 'react';
import { formatDateTime, formatRelativeTime } from '../../utils/time';

/** Columns of short values (dates, ids, statuses) never wrap inside a word. */
export const NO_WRAP: Pick<TableColumn<any>, 'cellStyle' | 'headerStyle'> = {
  cellStyle: { whiteSpace: 'nowrap' },
  headerStyle: { whiteSpace: 'nowrap' },
};

/** Error and outcome texts wrap between words, and only break a word too long for the column. */
export const TEXT: Pick<TableColumn<any>, 'cellStyle'> = {
  cellStyle: { minWidth: 180, wordBreak: 'normal', overflowWrap: 'anywhere' },
};

/**
 * The table's own style: beside the open filters panel it takes the width
 * left (material-table's default 100% pushed it past the page's edge) and
 * scrolls inside when its columns need more.
 */
export const TABLE_STYLE = { width: 'auto', flex: 1, minWidth: 0 };

/** Paging, sorting and search, with rows as dense as the rest of the page. */
export const TABLE_OPTIONS = {
  paging: true,
  pageSize: 5,
  pageSizeOptions: [5, 10, 25, 50],
  emptyRowsWhenPaging: false,
  padding: 'dense' as const,
  search: true,
  sorting: true,
  draggable: false,
};

/** "5 minutes ago", with the full date and time on hover; `empty` when there is none. */
export function When(props: {
  value: string | null | undefined;
  empty?: string;
}) {
  const empty = props.empty ?? '—';
  return props.value ? (
    <Tooltip title={formatDateTime(props.value)}>
      <span>{formatRelativeTime(props.value, empty)}</span>
    </Tooltip>
  ) : (
    <>{empty}</>
  );
}

/**
 * A key that changes with the table's data. material-table resets its state
 * (page, sort) and warns in development whenever its data or columns change
 * after mounting, so the tables mount once their data is complete and are
 * mounted afresh, under a new key, when it is reloaded (after a replay).
 */
export function useDataKey(data: unknown): number {
  const version = useRef(0);
  return useMemo(() => {
    version.current += 1;
    return version.current;
  }, [data]); // eslint-disable-line react-hooks/exhaustive-deps
}

/**
 * For a Box around a Table with filters: its toolbar (title, search) takes the
 * width the "Filters" button leaves, so the title does not wrap in a narrow box.
 */
export const useTableBoxStyles = makeStyles({
  root: {
    '& .MuiToolbar-root': { flexGrow: 1 },
    '& .MuiToolbar-root h2': { whiteSpace: 'nowrap' },
  },
});

/**
 * The table's `components` with a Cell that draws the columns named in
 * `renderers` (by field). material-table compares its columns on every update
 * and, when they hold functions, resets its state and warns in development
 * (filtering hands it new data, so every filter did): the columns stay plain
 * data, and the renderers, read through a ref, live here.
 */
export function useFieldCells<T extends object>(
  renderers: Partial<Record<string, (row: T) => ReactNode>>,
) {
  const latest = useRef(renderers);
  latest.current = renderers;
  return useMemo(
    () => ({
      Cell: (props: { columnDef: { field?: string } }) => {
        const render = props.columnDef.field
          ? latest.current[props.columnDef.field]
          : undefined;
        return (
          <MTableCell
            {...props}
            columnDef={
              render ? { ...props.columnDef, render } : props.columnDef
            }
          />
        );
      },
    }),
    [],
  );
}
