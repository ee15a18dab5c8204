import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import type { Entity } from '@backstage/catalog-model';
import { azureDevOpsSyncEntityWorkItemsContent } from './alpha';

function component(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'web', annotations },
  };
}

describe('the new frontend system Work items tab', () => {
  it('is titled "Work items" and shows only on entities with the project annotation', () => {
    const tester = createExtensionTester(azureDevOpsSyncEntityWorkItemsContent);
    expect(tester.get(coreExtensionData.routePath)).toBe(
      'azure-devops-work-items',
    );
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Work items',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(component({ 'dev.azure.com/project': 'Payments' }))).toBe(
      true,
    );
    expect(
      filter?.(component({ 'dev.azure.com/host-org': 'dev.azure.com/x' })),
    ).toBe(false);
  });
});
