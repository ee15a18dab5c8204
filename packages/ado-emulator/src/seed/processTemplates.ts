import {
  SeedProcess,
  SeedState,
  SeedWorkItemType,
  StateCategory,
} from '../types';

/** Well-known typeIds of the system processes (the same on every ADO org). */
export const SYSTEM_PROCESS_IDS = {
  Agile: 'adcc42ab-9882-485e-a3ed-7678f01f66bc',
  Scrum: '6b724908-ef14-45cf-84f8-768b5384da45',
  Basic: 'b8a3a935-7e91-48b8-a94c-606d37c3e9f2',
} as const;

export type SystemProcessName = keyof typeof SYSTEM_PROCESS_IDS;

const COLORS: Record<StateCategory, string> = {
  Proposed: 'b2b2b2',
  InProgress: '007acc',
  Resolved: 'ff9d00',
  Completed: '339933',
  Removed: 'ffffff',
};

function st(
  name: string,
  category: StateCategory,
  reason: string,
  color = COLORS[category],
): SeedState {
  return { name, color, category, reason, customizationType: 'system' };
}

const removed = st('Removed', 'Removed', 'Removed from the backlog');

function wit(
  name: string,
  category: string,
  color: string,
  icon: string,
  states: SeedState[],
  description = '',
): SeedWorkItemType {
  return {
    name,
    referenceName: `Microsoft.VSTS.WorkItemTypes.${name.replace(/ /g, '')}`,
    description,
    color,
    icon,
    customization: 'system',
    inherits: null,
    category,
    states,
  };
}

/** Types every system process has but hides from pickers (Microsoft.HiddenCategory). */
const hiddenTypes = (): SeedWorkItemType[] => [
  wit(
    'Code Review Request',
    'Microsoft.HiddenCategory',
    'B4009E',
    'icon_code_review',
    [st('Requested', 'Proposed', 'New'), st('Closed', 'Completed', 'Closed')],
  ),
  wit('Feedback Request', 'Microsoft.HiddenCategory', 'B4009E', 'icon_review', [
    st('Active', 'InProgress', 'New'),
    st('Closed', 'Completed', 'Closed'),
  ]),
];

const agileRequirementStates = [
  st('New', 'Proposed', 'New'),
  st('Active', 'InProgress', 'Implementation started'),
  st('Resolved', 'Resolved', 'Code complete and unit tests pass'),
  st('Closed', 'Completed', 'Acceptance tests pass'),
  removed,
];

const agile: SeedProcess = {
  typeId: SYSTEM_PROCESS_IDS.Agile,
  name: 'Agile',
  description:
    'This template is flexible and will work great for most teams using Agile planning methods, including those practicing Scrum.',
  referenceName: null,
  parentProcessTypeId: '00000000-0000-0000-0000-000000000000',
  customizationType: 'system',
  isDefault: false,
  isEnabled: true,
  workItemTypes: [
    // Agile's Bug has no Removed state (see process-workitemtypes-expand-states.capture.json).
    wit('Bug', 'Microsoft.BugCategory', 'CC293D', 'icon_insect', [
      st('New', 'Proposed', 'New defect reported'),
      st('Active', 'InProgress', 'Approved'),
      st('Resolved', 'Resolved', 'Fixed'),
      st('Closed', 'Completed', 'Verified'),
    ]),
    wit(
      'User Story',
      'Microsoft.RequirementCategory',
      '009CCC',
      'icon_book',
      agileRequirementStates,
    ),
    wit('Task', 'Microsoft.TaskCategory', 'F2CB1D', 'icon_clipboard', [
      st('New', 'Proposed', 'New task'),
      st('Active', 'InProgress', 'Work started'),
      st('Closed', 'Completed', 'Completed'),
      removed,
    ]),
    wit('Epic', 'Microsoft.EpicCategory', 'FF7B00', 'icon_crown', [
      ...agileRequirementStates,
    ]),
    wit('Feature', 'Microsoft.FeatureCategory', '773B93', 'icon_trophy', [
      ...agileRequirementStates,
    ]),
    ...hiddenTypes(),
  ],
};

const scrumBacklogStates = (first: string) => [
  st('New', 'Proposed', first),
  st('Approved', 'Proposed', 'Approved by the Product Owner', '5688E0'),
  st('Committed', 'InProgress', 'Commitment made by the team'),
  st('Done', 'Completed', 'Work finished'),
  removed,
];

const scrum: SeedProcess = {
  typeId: SYSTEM_PROCESS_IDS.Scrum,
  name: 'Scrum',
  description: 'This template is for teams who follow the Scrum framework.',
  referenceName: null,
  parentProcessTypeId: '00000000-0000-0000-0000-000000000000',
  customizationType: 'system',
  isDefault: false,
  isEnabled: true,
  workItemTypes: [
    wit(
      'Bug',
      'Microsoft.BugCategory',
      'CC293D',
      'icon_insect',
      scrumBacklogStates('New defect reported'),
    ),
    wit(
      'Product Backlog Item',
      'Microsoft.RequirementCategory',
      '009CCC',
      'icon_list',
      scrumBacklogStates('New backlog item'),
    ),
    wit('Task', 'Microsoft.TaskCategory', 'F2CB1D', 'icon_clipboard', [
      st('To Do', 'Proposed', 'New task'),
      st('In Progress', 'InProgress', 'Work started'),
      st('Done', 'Completed', 'Work finished'),
      removed,
    ]),
    wit('Epic', 'Microsoft.EpicCategory', 'FF7B00', 'icon_crown', [
      st('New', 'Proposed', 'New'),
      st('In Progress', 'InProgress', 'Work started'),
      st('Done', 'Completed', 'Work finished'),
      removed,
    ]),
    ...hiddenTypes(),
  ],
};

const basicStates = [
  st('To Do', 'Proposed', 'Added to backlog'),
  st('Doing', 'InProgress', 'Started'),
  st('Done', 'Completed', 'Completed'),
];

const basic: SeedProcess = {
  typeId: SYSTEM_PROCESS_IDS.Basic,
  name: 'Basic',
  description:
    'This template is flexible for any process and great for teams getting started with Azure DevOps.',
  referenceName: null,
  parentProcessTypeId: '00000000-0000-0000-0000-000000000000',
  customizationType: 'system',
  isDefault: true,
  isEnabled: true,
  workItemTypes: [
    wit(
      'Issue',
      'Microsoft.RequirementCategory',
      '339933',
      'icon_clipboard_issue',
      basicStates,
    ),
    wit(
      'Task',
      'Microsoft.TaskCategory',
      'F2CB1D',
      'icon_clipboard',
      basicStates,
    ),
    wit('Epic', 'Microsoft.EpicCategory', 'FF7B00', 'icon_crown', basicStates),
    ...hiddenTypes(),
  ],
};

/** Deep copies of the system processes, to put into a seed. */
export function systemProcess(name: SystemProcessName): SeedProcess {
  const source = { Agile: agile, Scrum: scrum, Basic: basic }[name];
  return JSON.parse(JSON.stringify(source));
}

/**
 * An inherited process: every type of the parent becomes `{Prefix}.{Type}` inheriting
 * the system type, and `customStates` adds custom states per type name.
 */
export function inheritedProcess(options: {
  typeId: string;
  name: string;
  parent: SystemProcessName;
  description?: string;
  customStates?: Record<string, SeedState[]>;
}): SeedProcess {
  const parent = systemProcess(options.parent);
  const prefix = options.name.replace(/[^A-Za-z0-9]/g, '');
  return {
    typeId: options.typeId,
    name: options.name,
    description: options.description ?? parent.description,
    referenceName: `Inherited.${options.typeId.replace(/-/g, '')}`,
    parentProcessTypeId: parent.typeId,
    customizationType: 'inherited',
    isDefault: false,
    isEnabled: true,
    workItemTypes: parent.workItemTypes.map(t => {
      const custom = (options.customStates?.[t.name] ?? []).map(s => ({
        ...s,
        customizationType: 'custom' as const,
      }));
      if (custom.length === 0) return t;
      // Custom states sit before the Completed ones, as the ADO editor places them.
      const done = t.states.findIndex(
        s => s.category === 'Completed' || s.category === 'Removed',
      );
      const states = [...t.states];
      states.splice(done < 0 ? states.length : done, 0, ...custom);
      return {
        ...t,
        referenceName: `${prefix}.${t.name.replace(/ /g, '')}`,
        customization: 'inherited' as const,
        inherits: t.referenceName,
        states,
      };
    }),
  };
}
