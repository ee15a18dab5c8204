import Chip from '@material-ui/core/Chip';
import { makeStyles, type Theme } from '@material-ui/core/styles';

/** The ADO state categories, each drawn in its own colour whatever the state's name. */
export const STATE_CATEGORIES = [
  'Proposed',
  'InProgress',
  'Resolved',
  'Completed',
  'Removed',
] as const;

function filled(theme: Theme, background: string) {
  return {
    backgroundColor: background,
    color: theme.palette.getContrastText(background),
  };
}

const useStyles = makeStyles(theme => ({
  chip: { maxWidth: '100%' },
  Proposed: filled(theme, theme.palette.grey[300]),
  InProgress: filled(theme, theme.palette.info.dark),
  Resolved: filled(theme, theme.palette.warning.light),
  Completed: filled(theme, theme.palette.success.dark),
  Removed: {
    color: theme.palette.text.secondary,
    textDecoration: 'line-through',
  },
}));

/** A work item's state as a chip coloured by its state category. */
export function WorkItemStateChip(props: {
  state: string;
  stateCategory: string;
}) {
  const classes = useStyles();
  const category = (STATE_CATEGORIES as readonly string[]).includes(
    props.stateCategory,
  )
    ? (props.stateCategory as (typeof STATE_CATEGORIES)[number])
    : undefined;
  return (
    <Chip
      size="small"
      variant={category === 'Removed' || !category ? 'outlined' : 'default'}
      label={props.state}
      className={`${classes.chip} ${category ? classes[category] : ''}`}
      data-category={props.stateCategory}
    />
  );
}
