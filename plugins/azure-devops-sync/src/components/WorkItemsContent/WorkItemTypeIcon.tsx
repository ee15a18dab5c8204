import type { SvgIconProps } from '@material-ui/core/SvgIcon';
import Tooltip from '@material-ui/core/Tooltip';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import BugReportIcon from '@material-ui/icons/BugReport';
import DescriptionIcon from '@material-ui/icons/Description';
import EmojiEventsIcon from '@material-ui/icons/EmojiEvents';
import ErrorOutlineIcon from '@material-ui/icons/ErrorOutline';
import FlashOnIcon from '@material-ui/icons/FlashOn';
import ListAltIcon from '@material-ui/icons/ListAlt';
import MenuBookIcon from '@material-ui/icons/MenuBook';
import type { ComponentType } from 'react';

/** Each process template's work item types, in the colours Azure Boards gives them. */
const TYPE_ICONS: Record<
  string,
  { icon: ComponentType<SvgIconProps>; color: string }
> = {
  bug: { icon: BugReportIcon, color: '#cc293d' },
  task: { icon: AssignmentTurnedInIcon, color: '#a4880a' },
  'user story': { icon: MenuBookIcon, color: '#009ccc' },
  'product backlog item': { icon: ListAltIcon, color: '#009ccc' },
  feature: { icon: EmojiEventsIcon, color: '#773b93' },
  epic: { icon: FlashOnIcon, color: '#e06c00' },
  issue: { icon: ErrorOutlineIcon, color: '#b4009e' },
};

const FALLBACK = { icon: DescriptionIcon, color: '#6e6e6e' };

/** The icon of a work item type (a generic one for custom types), named for screen readers. */
export function WorkItemTypeIcon(props: { type: string }) {
  const { icon: Icon, color } =
    TYPE_ICONS[props.type.toLowerCase()] ?? FALLBACK;
  return (
    <Tooltip title={props.type}>
      <Icon
        fontSize="small"
        role="img"
        aria-label={props.type}
        aria-hidden={false}
        style={{ color, verticalAlign: 'middle' }}
        data-testid={`type-icon-${
          Icon === FALLBACK.icon
            ? 'other'
            : props.type.toLowerCase().replace(/ /g, '-')
        }`}
      />
    </Tooltip>
  );
}
