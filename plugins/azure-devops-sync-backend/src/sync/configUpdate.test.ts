import { checkConfigUpdate, configUpdateSchema } from './configUpdate';
import type { ProjectCatalog } from './configFields';

const catalog: ProjectCatalog = {
  projects: [
    { id: 'p1', name: 'Payments' },
    { id: 'p2', name: 'Docs' },
  ],
  states: {
    p1: {
      states: [
        { name: 'Active', category: 'InProgress' },
        { name: 'Resolved', category: 'Resolved' },
      ],
      defaultDoneStates: ['Resolved'],
    },
    p2: {
      states: [
        { name: 'To Do', category: 'Proposed' },
        { name: 'Done', category: 'Completed' },
      ],
      defaultDoneStates: ['Done'],
    },
  },
};

const parse = (body: unknown) => configUpdateSchema.parse(body);

describe('checkConfigUpdate', () => {
  it("refuses a mapping row without both states with the reference's message", () => {
    for (const row of [
      { on_resolve: 'Resolved' },
      { on_resolve: '', on_unresolve: 'Active' },
      { on_unresolve: null },
    ]) {
      expect(
        checkConfigUpdate(parse({ sync_status_forward: { p1: row } }), catalog),
      ).toEqual({
        ok: false,
        message: 'Resolve and unresolve status are required.',
      });
    }
  });

  it('refuses a project or a state ADO does not have, naming it', () => {
    const unknownProject = checkConfigUpdate(
      parse({
        sync_status_forward: {
          nope: { on_resolve: 'Resolved', on_unresolve: 'Active' },
        },
      }),
      catalog,
    );
    expect(unknownProject).toMatchObject({
      ok: false,
      message: expect.stringContaining('project nope does not exist'),
    });
    // Done is a state of Docs, not of Payments: choices are per project.
    const wrongState = checkConfigUpdate(
      parse({
        sync_status_forward: {
          p1: { on_resolve: 'Done', on_unresolve: 'Active' },
        },
      }),
      catalog,
    );
    expect(wrongState).toMatchObject({
      ok: false,
      message: expect.stringContaining(
        'state "Done" does not exist in project Payments',
      ),
    });
    const wrongDone = checkConfigUpdate(
      parse({ inbound_done_states: { p2: ['Closed'] } }),
      catalog,
    );
    expect(wrongDone).toMatchObject({
      ok: false,
      message: expect.stringContaining('inbound_done_states: state "Closed"'),
    });
  });

  it('refuses a project that resolves and unresolves to the same state, naming both', () => {
    const same = checkConfigUpdate(
      parse({
        sync_status_forward: {
          p1: { on_resolve: 'Active', on_unresolve: 'Active' },
        },
      }),
      catalog,
    );
    expect(same).toEqual({
      ok: false,
      message:
        'sync_status_forward: project Payments resolves and unresolves to the same state "Active"; pick two different states',
    });
  });

  it('passes a valid update through, de-duplicating done states', () => {
    const result = checkConfigUpdate(
      parse({
        sync_status_forward: {
          p2: { on_resolve: 'Done', on_unresolve: 'To Do' },
        },
        sync_comments: true,
        inbound_done_states: { p1: ['Resolved', 'Resolved'] },
      }),
      catalog,
    );
    expect(result).toEqual({
      ok: true,
      value: {
        sync_status_forward: {
          p2: { on_resolve: 'Done', on_unresolve: 'To Do' },
        },
        sync_comments: true,
        inbound_done_states: { p1: ['Resolved'] },
      },
    });
  });
});

describe('configUpdateSchema', () => {
  it('refuses unknown keys and wrong types', () => {
    expect(
      configUpdateSchema.safeParse({ sync_everything: true }).success,
    ).toBe(false);
    expect(configUpdateSchema.safeParse({ sync_comments: 'yes' }).success).toBe(
      false,
    );
    expect(
      configUpdateSchema.safeParse({
        sync_status_forward: {
          p1: { on_resolve: 'A', on_unresolve: 'B', extra: 1 },
        },
      }).success,
    ).toBe(false);
  });
});
