import { AGILE_TYPES, BUG_STATES } from '../__testUtils__/fakeAdo';
import {
  defaultDoneStates,
  statesFromProcessTypes,
  statesFromStateColors,
} from './workItemStates';

describe('statesFromProcessTypes', () => {
  const states = statesFromProcessTypes(AGILE_TYPES.value);

  it("offers the Bug's states only, in workflow order (not the union of every type's)", () => {
    // User Story and Epic add Removed; a Bug never reaches it.
    expect(states.map(s => s.name)).toEqual([
      'New',
      'Active',
      'Resolved',
      'Closed',
    ]);
    // Epic lists Resolved as InProgress; for a Bug it is Resolved.
    expect(states.find(s => s.name === 'Resolved')?.category).toBe('Resolved');
  });

  it('takes Issue, then Task, when the process has no Bug', () => {
    const issueOnly = statesFromProcessTypes([
      {
        referenceName: 'X.Task',
        name: 'Task',
        states: [{ name: 'Task Only', stateCategory: 'InProgress' }],
      },
      {
        referenceName: 'X.Issue',
        name: 'Issue',
        states: [
          { name: 'To Do', stateCategory: 'Proposed' },
          { name: 'Done', stateCategory: 'Completed' },
        ],
      },
    ]);
    expect(issueOnly.map(s => s.name)).toEqual(['To Do', 'Done']);
  });

  it('offers every visible state once when the process has none of Bug, Issue, Task', () => {
    const custom = statesFromProcessTypes([
      {
        referenceName: 'X.Ticket',
        name: 'Ticket',
        states: [
          { name: 'Open', stateCategory: 'Proposed' },
          { name: 'Shipped', stateCategory: 'Completed' },
        ],
      },
      {
        referenceName: 'X.Chore',
        name: 'Chore',
        states: [
          { name: 'Open', stateCategory: 'Proposed' },
          { name: 'Doing', stateCategory: 'InProgress' },
        ],
      },
    ]);
    expect(custom.map(s => s.name)).toEqual(['Open', 'Doing', 'Shipped']);
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
