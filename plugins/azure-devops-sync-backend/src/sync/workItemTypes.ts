import type { Choice } from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { AdoWorkItemTypeCategory } from '../api/types';

/**
 * Work item types a user may create, from the project's type categories: the type's reference
 * is the last segment of its URL, the label its name; first occurrence wins; types in
 * Microsoft.HiddenCategory are left out.
 */
export function creatableWorkItemTypes(
  categories: readonly AdoWorkItemTypeCategory[],
): Choice[] {
  const hidden = new Set(
    categories
      .filter(c => c.referenceName === 'Microsoft.HiddenCategory')
      .flatMap(c => c.workItemTypes.map(t => t.name)),
  );
  const seen = new Set<string>();
  const choices: Choice[] = [];
  for (const category of categories) {
    if (category.referenceName === 'Microsoft.HiddenCategory') continue;
    for (const type of category.workItemTypes ?? []) {
      const value = decodeURIComponent(type.url.split('/').pop() ?? type.name);
      if (hidden.has(type.name) || seen.has(value)) continue;
      seen.add(value);
      choices.push({ value, label: type.name });
    }
  }
  return choices;
}
