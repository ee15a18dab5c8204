import { mapperField } from '../../testing/fixtures';
import { stateChoices } from './StatusMappingEditor';

describe('stateChoices', () => {
  it("offers a project's own states, never the union of every project's", () => {
    const field = mapperField();
    expect(stateChoices(field, 'on_resolve', 'p-alpha')).toEqual([
      'Active',
      'Closed',
      'New',
      'Resolved',
    ]);
    // A project the server lists no states for offers none (its stored value stays visible).
    expect(stateChoices(field, 'on_resolve', 'p-unknown')).toEqual([]);
  });

  it('falls back to the shared list only without per-project choices', () => {
    const field = mapperField();
    const shared = {
      ...field,
      mappedSelectors: {
        ...field.mappedSelectors,
        on_resolve: {
          ...field.mappedSelectors.on_resolve,
          choicesByProject: undefined as any,
        },
      },
    };
    expect(stateChoices(shared, 'on_resolve', 'p-alpha')).toEqual(
      field.mappedSelectors.on_resolve.choices.map(([v]) => v),
    );
  });
});
