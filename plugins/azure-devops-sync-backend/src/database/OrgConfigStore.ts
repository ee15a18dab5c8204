import type {
  OrganizationConfigUpdate,
  OrganizationConfigValues,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/** The values an organization has before anyone saves its settings. */
export const DEFAULT_CONFIG_VALUES: OrganizationConfigValues = Object.freeze({
  sync_status_forward: {},
  sync_forward_assignment: false,
  sync_comments: false,
  sync_status_reverse: false,
  sync_reverse_assignment: false,
  inbound_done_states: {},
}) as OrganizationConfigValues;

/** Sync settings and the per-project state mapping of each organization. */
export interface OrgConfigStore {
  get(organizationId: string): Promise<OrganizationConfigValues>;
  /**
   * Applies an already validated update: mapping rows (if given) replace the old ones as a whole,
   * every other key is merged into what is stored. Returns the stored result.
   */
  update(
    organizationId: string,
    update: OrganizationConfigUpdate,
    updatedBy?: string,
  ): Promise<OrganizationConfigValues>;

  /** The project and work item type last used to create a work item for the entity. */
  getCreateDefaults(
    organizationId: string,
    entityRef: string,
  ): Promise<{ projectId: string; workItemType: string } | undefined>;
  setCreateDefaults(
    organizationId: string,
    entityRef: string,
    defaults: { projectId: string; workItemType: string },
  ): Promise<void>;
}
