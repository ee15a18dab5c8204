import type {
  BooleanConfigField,
  ChoiceMapperField,
  ConfigField,
  MappedSelector,
  WorkItemState,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** What the org config form needs to know about ADO. */
export interface ProjectCatalog {
  projects: Array<{ id: string; name: string }>;
  /** Per project id: its states, and the default inbound done states. */
  states: Record<
    string,
    { states: WorkItemState[]; defaultDoneStates: string[] }
  >;
}

export interface ConfigFieldOptions {
  catalog: ProjectCatalog;
  /** Set when ADO could not be read: the mapper is disabled with this reason. */
  adoError?: string;
  /** The feature gate is off: every field is disabled with this reason. */
  featureDisabledReason?: string;
  /** The caller may not change the settings. */
  readOnly: boolean;
}

const BOOLEAN_FIELDS: Array<Omit<BooleanConfigField, 'type'>> = [
  {
    name: 'sync_forward_assignment',
    label: 'Sync Backstage Assignment to Azure DevOps',
    help: 'When an issue is assigned in Backstage, assign the linked Azure DevOps work item to the same user (matched by e-mail).',
  },
  {
    name: 'sync_comments',
    label: 'Sync Backstage Comments to Azure DevOps',
    help: 'Post comments added to an issue in Backstage to the linked Azure DevOps work items.',
  },
  {
    name: 'sync_status_reverse',
    label: 'Sync Azure DevOps Status to Backstage',
    help: "When a linked work item enters one of its project's done states, resolve the issue; when it leaves them, unresolve it.",
  },
  {
    name: 'sync_reverse_assignment',
    label: 'Sync Azure DevOps Assignment to Backstage',
    help: 'When a linked work item is assigned in Azure DevOps, assign the issue to the catalog user with the same e-mail.',
  },
];

function toChoices(names: readonly string[]): Array<[string, string]> {
  return names.map(name => [name, name]);
}

function selector(catalog: ProjectCatalog): MappedSelector {
  const all = new Set<string>();
  const choicesByProject: Record<string, Array<[string, string]>> = {};
  for (const project of catalog.projects) {
    const names = (catalog.states[project.id]?.states ?? []).map(s => s.name);
    names.forEach(n => all.add(n));
    choicesByProject[project.id] = toChoices(names);
  }
  return {
    placeholder: 'Select a status',
    choices: toChoices([...all].sort((a, b) => a.localeCompare(b))),
    choicesByProject,
  };
}

/**
 * The settings form (`get_organization_config`): the reference's five fields in its order, with
 * per-project state choices and the inbound done states added.
 */
export function buildConfigFields(options: ConfigFieldOptions): ConfigField[] {
  const { catalog, adoError, featureDisabledReason, readOnly } = options;
  const sel = selector(catalog);
  const mapper: ChoiceMapperField = {
    name: 'sync_status_forward',
    type: 'choice_mapper',
    label: 'Sync Backstage Status to Azure DevOps',
    help: "When an issue is resolved or unresolved in Backstage, move the linked work items to the state chosen for their project. The last column picks which of the project's states count as done for inbound sync.",
    addButtonText: 'Add Azure DevOps Project',
    addDropdown: {
      emptyMessage: 'All projects configured',
      noResultsMessage: 'Could not find Azure DevOps project',
      items: catalog.projects.map(p => ({ value: p.id, label: p.name })),
    },
    mappedSelectors: { on_resolve: sel, on_unresolve: sel },
    columnLabels: {
      on_resolve: 'When resolved',
      on_unresolve: 'When unresolved',
      inbound_done: 'Counts as done (inbound)',
    },
    mappedColumnLabel: 'Azure DevOps Project',
    formatMessageValue: false,
    projectStates: catalog.states,
  };
  if (adoError) {
    mapper.disabled = true;
    mapper.disabledReason = adoError;
  }

  const fields: ConfigField[] = [
    mapper,
    ...BOOLEAN_FIELDS.map(f => ({ ...f, type: 'boolean' as const })),
  ];

  return fields.map(field => {
    const result: ConfigField = { ...field };
    if (featureDisabledReason) {
      result.disabled = true;
      result.disabledReason = featureDisabledReason;
    }
    if (readOnly) result.readOnly = true;
    return result;
  });
}
