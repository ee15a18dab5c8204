import type { Entity } from '@backstage/catalog-model';
import { ANNOTATION_PROJECT } from '@ado-sync/backstage-plugin-azure-devops-sync-common';

/**
 * Whether an entity names the Azure DevOps project its Boards work items come
 * from (`dev.azure.com/project`), for showing the Work items tab only there.
 * Its own module, so the plugin's entry points import it without the tab.
 *
 * @public
 */
export function isAzureDevOpsBoardsAvailable(entity: Entity): boolean {
  return Boolean(entity.metadata.annotations?.[ANNOTATION_PROJECT]);
}
