import {
  EmptyState,
  Link,
  Table,
  WarningPanel,
  type TableColumn,
} from '@backstage/core-components';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  EntityRefLink,
  MissingAnnotationEmptyState,
  useEntity,
} from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import InputAdornment from '@material-ui/core/InputAdornment';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import RefreshIcon from '@material-ui/icons/Refresh';
import SearchIcon from '@material-ui/icons/Search';
import {
  ANNOTATION_AREA_PATH,
  ANNOTATION_PROJECT,
  ANNOTATION_WORK_ITEM_TAGS,
  type BoardsWorkItem,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import { type ChangeEvent, useMemo, useState } from 'react';
import useDebounce from 'react-use/esm/useDebounce';
import { errorMessage } from '../../utils/errors';
import { issuePagePath } from '../../utils/links';
import { isAzureDevOpsBoardsAvailable } from './isAzureDevOpsBoardsAvailable';
import {
  NO_WRAP,
  TABLE_STYLE,
  When,
  useFieldCells,
} from '../AdminPage/tableStyles';
import {
  type FilterOption,
  filterOptions,
  useRecentWorkItems,
  useWorkItems,
} from './useWorkItems';
import { WorkItemStateChip } from './WorkItemStateChip';
import { WorkItemTypeIcon } from './WorkItemTypeIcon';

/** How long typing pauses before the search asks the backend. */
export const SEARCH_DEBOUNCE_MS = 400;

const PAGE_SIZES = [10, 25, 50];

function FilterSelect(props: {
  label: string;
  value: string;
  options: FilterOption[];
  allLabel: string;
  onChange: (value: string) => void;
}) {
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      label={props.label}
      value={props.value}
      onChange={e => props.onChange(e.target.value)}
      SelectProps={{ native: true }}
      InputLabelProps={{ shrink: true }}
      inputProps={{ 'aria-label': props.label }}
      style={{ minWidth: 160 }}
    >
      <option value="">{props.allLabel}</option>
      {props.options.map(o => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </TextField>
  );
}

function Assignee(props: { item: BoardsWorkItem }) {
  const { assignedTo } = props.item;
  if (!assignedTo) {
    return (
      <Typography variant="body2" color="textSecondary">
        Unassigned
      </Typography>
    );
  }
  if (assignedTo.userEntityRef) {
    return (
      <EntityRefLink
        entityRef={assignedTo.userEntityRef}
        defaultKind="user"
        title={assignedTo.displayName || undefined}
      />
    );
  }
  return (
    <Typography variant="body2" title={assignedTo.email || undefined}>
      {assignedTo.displayName || assignedTo.email}
    </Typography>
  );
}

function IssueLinks(props: { item: BoardsWorkItem; entityRef: string }) {
  const { item, entityRef } = props;
  if (!item.issueIds.length) {
    return <>—</>;
  }
  return (
    <Box display="flex" flexDirection="column">
      {item.issueIds.map((id, index) => (
        <Link
          key={id}
          to={issuePagePath({ id, entityRef })}
          aria-label={`Open the issue linked to work item ${item.id}${
            item.issueIds.length > 1 ? ` (${index + 1})` : ''
          }`}
        >
          {item.issueIds.length > 1 ? `Issue ${index + 1}` : 'Open issue'}
        </Link>
      ))}
    </Box>
  );
}

/**
 * The entity's Azure Boards work items: the project's (narrowed by the
 * `dev.azure.com/area-path` and `dev.azure.com/work-item-tags` annotations),
 * most recently changed first, paged, searchable and filterable by state,
 * type and assignee, each linking to Azure DevOps and to the portal issue it
 * is linked to.
 *
 * @public
 */
export function WorkItemsContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const available = isAzureDevOpsBoardsAvailable(entity);
  const [state, setState] = useState('');
  const [type, setType] = useState('');
  const [assignedTo, setAssignedTo] = useState('');
  const [search, setSearch] = useState('');
  const [q, setQ] = useState('');
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);

  useDebounce(
    () => {
      const next = search.trim();
      if (next !== q) {
        setQ(next);
        setPage(0);
      }
    },
    SEARCH_DEBOUNCE_MS,
    [search],
  );

  const list = useWorkItems(
    {
      entityRef,
      state: state || undefined,
      type: type || undefined,
      assignedTo: assignedTo || undefined,
      q: q || undefined,
      top: pageSize,
      skip: page * pageSize,
    },
    available,
  );
  const recent = useRecentWorkItems(entityRef, available);
  const items = list.value?.items;
  const options = useMemo(
    () =>
      filterOptions([...recent, ...(items ?? [])], {
        state,
        type,
        assignedTo,
      }),
    [recent, items, state, type, assignedTo],
  );

  // Plain data: functions in the columns would reset the table (see useFieldCells).
  // The short columns get fixed widths, the title the rest; the type shows
  // with the title (icon, and its name below), leaving the title room.
  const columns = useMemo<TableColumn<BoardsWorkItem>[]>(
    () => [
      { title: 'ID', field: 'id', width: '80px', ...NO_WRAP },
      {
        title: 'Title',
        field: 'title',
        cellStyle: { minWidth: 240, overflowWrap: 'anywhere' },
      },
      { title: 'State', field: 'state', width: '130px', ...NO_WRAP },
      {
        title: 'Assigned to',
        field: 'assignedTo',
        width: '170px',
        ...NO_WRAP,
      },
      { title: 'Changed', field: 'changedDate', width: '140px', ...NO_WRAP },
      { title: 'Issue', field: 'issueIds', width: '110px', ...NO_WRAP },
    ],
    [],
  );
  const components = useFieldCells<BoardsWorkItem>({
    id: item => (
      <Link
        to={item.url}
        target="_blank"
        rel="noopener"
        aria-label={`Open ${item.type} ${item.id} in Azure DevOps`}
      >
        <Box component="span" display="inline-flex" alignItems="center">
          {item.id}
          <OpenInNewIcon style={{ fontSize: 14, marginLeft: 4 }} />
        </Box>
      </Link>
    ),
    title: item => (
      <Box display="flex" alignItems="flex-start" style={{ gap: 8 }}>
        <WorkItemTypeIcon type={item.type} />
        <Box>
          <Typography variant="body2">{item.title}</Typography>
          <Typography
            variant="caption"
            color="textSecondary"
            data-testid="work-item-type"
          >
            {item.type}
          </Typography>
        </Box>
      </Box>
    ),
    state: item => (
      <WorkItemStateChip
        state={item.state}
        stateCategory={item.stateCategory}
      />
    ),
    assignedTo: item => <Assignee item={item} />,
    changedDate: item => <When value={item.changedDate} />,
    issueIds: item => <IssueLinks item={item} entityRef={entityRef} />,
  });

  if (!available) {
    return <MissingAnnotationEmptyState annotation={ANNOTATION_PROJECT} />;
  }

  const filtered = Boolean(state || type || assignedTo || q);
  const annotations = entity.metadata.annotations ?? {};
  const scope = [
    `Project ${annotations[ANNOTATION_PROJECT]}`,
    annotations[ANNOTATION_AREA_PATH] &&
      `area path ${annotations[ANNOTATION_AREA_PATH]}`,
    annotations[ANNOTATION_WORK_ITEM_TAGS] &&
      `tags ${annotations[ANNOTATION_WORK_ITEM_TAGS]}`,
  ]
    .filter(Boolean)
    .join(' · ');

  const onFilter = (set: (value: string) => void) => (value: string) => {
    set(value);
    setPage(0);
  };

  let body;
  if (list.error) {
    // The server's message (ADO's answer, translated) in view, not folded away.
    body = (
      <WarningPanel
        severity="error"
        title="Could not load the work items"
        message={errorMessage(list.error)}
        defaultExpanded
      />
    );
  } else if (list.value?.reason && !list.value.items.length && !filtered) {
    body = (
      <EmptyState
        missing="info"
        title="No work items to show"
        description={list.value.reason}
      />
    );
  } else {
    body = (
      <Table<BoardsWorkItem>
        title="Work items"
        subtitle={scope}
        columns={columns}
        components={components}
        data={items ?? []}
        isLoading={list.loading}
        page={page}
        totalCount={list.value?.total ?? 0}
        onPageChange={(next, size) => {
          setPage(next);
          setPageSize(size);
        }}
        onRowsPerPageChange={size => {
          setPageSize(size);
          setPage(0);
        }}
        style={TABLE_STYLE}
        options={{
          paging: true,
          pageSize,
          pageSizeOptions: PAGE_SIZES,
          emptyRowsWhenPaging: false,
          padding: 'dense',
          search: false,
          sorting: false,
          draggable: false,
        }}
        emptyContent={
          <Box p={3}>
            <Typography variant="body2" color="textSecondary" align="center">
              {filtered
                ? 'No work items match these filters.'
                : 'No work items in Azure Boards for this entity yet.'}
            </Typography>
          </Box>
        }
      />
    );
  }

  return (
    <Box display="flex" flexDirection="column" style={{ gap: 16 }}>
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 12 }}
        data-testid="work-item-filters"
      >
        <TextField
          size="small"
          variant="outlined"
          label="Search"
          placeholder="Title contains…"
          value={search}
          onChange={(e: ChangeEvent<HTMLInputElement>) =>
            setSearch(e.target.value)
          }
          InputLabelProps={{ shrink: true }}
          inputProps={{ 'aria-label': 'Search work items' }}
          InputProps={{
            startAdornment: (
              <InputAdornment position="start">
                <SearchIcon fontSize="small" />
              </InputAdornment>
            ),
          }}
          style={{ minWidth: 240 }}
        />
        <FilterSelect
          label="State"
          allLabel="All states"
          value={state}
          options={options.states}
          onChange={onFilter(setState)}
        />
        <FilterSelect
          label="Type"
          allLabel="All types"
          value={type}
          options={options.types}
          onChange={onFilter(setType)}
        />
        <FilterSelect
          label="Assigned to"
          allLabel="Anyone"
          value={assignedTo}
          options={options.assignees}
          onChange={onFilter(setAssignedTo)}
        />
        <IconButton
          aria-label="Refresh work items"
          title="Refresh work items"
          size="small"
          disabled={list.loading}
          onClick={list.refresh}
        >
          <RefreshIcon />
        </IconButton>
      </Box>
      {body}
    </Box>
  );
}
