/** Azure Boards on the entity page (`GET /work-items`) and people mapped between ADO and the catalog. */

/**
 * Entity annotation: only work items under this area path (and its children), e.g. `Fabrikam\\Web`.
 * Optional; the project comes from `dev.azure.com/project`.
 * @public
 */
export const ANNOTATION_AREA_PATH = 'dev.azure.com/area-path';

/** Entity annotation: comma-separated ADO tags, all of which a work item must carry. @public */
export const ANNOTATION_WORK_ITEM_TAGS = 'dev.azure.com/work-item-tags';

/** The most work items one `GET /work-items` page returns. @public */
export const MAX_WORK_ITEMS_PAGE = 200;

/** Who a work item is assigned to; `userEntityRef` when the ADO identity maps to a catalog user. @public */
export interface BoardsAssignee {
  displayName: string;
  email: string;
  userEntityRef?: string;
}

/** One work item of an entity's board, as `GET /work-items` lists it. @public */
export interface BoardsWorkItem {
  id: number;
  title: string;
  type: string;
  state: string;
  /** ADO state category: `Proposed`, `InProgress`, `Resolved`, `Completed` or `Removed`. */
  stateCategory: string;
  assignedTo: BoardsAssignee | null;
  changedDate: string;
  /** The work item's page in ADO. */
  url: string;
  /** Portal issues linked to this work item. */
  issueIds: string[];
}

/**
 * `GET /work-items?entityRef=&state=&type=&assignedTo=&q=&top=&skip=`. `reason` says why `items`
 * is empty when the entity lacks the annotations.
 * @public
 */
export interface BoardsWorkItemList {
  items: BoardsWorkItem[];
  total: number;
  reason?: string;
}

/** One explicit mapping of an ADO identity (unique name or e-mail) to a catalog user. @public */
export interface PersonMapping {
  adoIdentity: string;
  userEntityRef: string;
}

/** An ADO identity seen in deliveries that matched no catalog user: a candidate for a mapping. @public */
export interface PersonSuggestion {
  adoIdentity: string;
  displayName?: string;
  lastSeenAt: string;
}

/** `GET /organizations/:id/people`. @public */
export interface PeopleMappingList {
  items: PersonMapping[];
  suggestions: PersonSuggestion[];
}

/** `PUT /organizations/:id/people` body: replaces the organization's mappings. @public */
export interface PeopleMappingUpdate {
  items: PersonMapping[];
}
