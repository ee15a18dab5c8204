import { createRouteRef as createLegacyRouteRef } from '@backstage/core-plugin-api';
import { createRouteRef } from '@backstage/frontend-plugin-api';

/** Route of the admin page in a legacy app (`AzureDevOpsSyncPage`). */
export const rootRouteRef = createLegacyRouteRef({ id: 'azure-devops-sync' });

/** Route of the Azure DevOps tab on entity pages in a legacy app. */
export const entityContentRouteRef = createLegacyRouteRef({
  id: 'azure-devops-sync:entity-content',
});

/** Route of the Work items (Azure Boards) tab on entity pages in a legacy app. */
export const entityWorkItemsRouteRef = createLegacyRouteRef({
  id: 'azure-devops-sync:entity-work-items',
});

/**
 * Route of the admin page in the new frontend system. The route ref types of
 * the two systems are distinct, hence a second ref.
 */
export const adminPageRouteRef = createRouteRef();
