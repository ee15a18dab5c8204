import { AGILE_TYPES, BUG_STATES } from '../__testUtils__/fakeAdo';
import {
  defaultDoneStates,
  statesFromProcessTypes,
  statesFromStateColors,
} from './workItemStates';

describe('statesFromProcessTypes', () => {
  const states = statesFromProcessTypes(AGILE_TYPES.value);

  it('offers every work-tracking state once, in workflow order', () => {
    expect(states.map(s => s.name)).toEqual([
      'New',
      'Active',
      'Resolved',
      'Closed',
      'Removed',
    ]);
  });

  it("takes a state's category from Bug first, as the reference's fallback does", () => {
    // Epic lists Resolved as InProgress (and again as a hidden override); Bug as Resolved.
    expect(states.find(s => s.name === 'Resolved')?.category).toBe('Resolved');
  });

  it('leaves out test-management states and disabled types', () => {
    const names = states.map(s => s.name);
    expect(names).not.toContain('Design');
    expect(names).not.toContain('Inactive');
    const disabled = statesFromProcessTypes([
      {
        referenceName: 'X.Bug',
        name: 'Bug',
        isDisabled: true,
        states: [{ name: 'Zombie', stateCategory: 'Proposed' }],
      },
    ]);
    expect(disabled).toEqual([]);
  });
});

describe('statesFromStateColors and defaultDoneStates', () => {
  it('keeps the project-level states with their categories', () => {
    const states = statesFromStateColors(BUG_STATES.value);
    expect(states.map(s => s.name)).toEqual([
      'New',
      'Active',
      'CustomState',
      'Resolved',
      'Closed',
    ]);
    expect(defaultDoneStates(states)).toEqual(['Resolved', 'Closed']);
  });

  it('counts only Resolved and Completed categories as done', () => {
    expect(
      defaultDoneStates([
        { name: 'To Do', category: 'Proposed' },
        { name: 'Doing', category: 'InProgress' },
        { name: 'Done', category: 'Completed' },
        { name: 'Removed', category: 'Removed' },
      ]),
    ).toEqual(['Done']);
  });
});
