import type { StoredIssueLink } from '../database/IssueStore';
import type { WrittenRevision } from '../database/SyncStateStore';
import {
  decideInbound,
  FieldChange,
  InboundDecision,
  InboundDelivery,
  InboundState,
} from './decideInbound';
import { inboundStatusAction } from './inboundStatus';

// The reference's fixture states: New=Proposed, Active=InProgress, Resolved=Resolved,
// Closed=Completed → done = {Resolved, Closed}.
const DONE = ['Resolved', 'Closed'];

function link(overrides: Partial<StoredIssueLink> = {}): StoredIssueLink {
  return {
    issueId: 'issue-1',
    organizationId: 'org-1',
    workItemId: 7,
    url: 'https://dev.azure.com/fabrikam/_workitems/edit/7',
    title: 'Checkout fails',
    state: 'Active',
    projectId: 'p1',
    projectName: 'Payments',
    workItemType: 'Bug',
    displayName: 'Payments#7',
    assignedTo: 'alice@example.com',
    ...overrides,
  };
}

function updated(
  revision: number,
  changes: Record<string, FieldChange>,
  extra: Partial<InboundDelivery> = {},
): InboundDelivery {
  return {
    eventType: 'workitem.updated',
    workItemId: 7,
    revision,
    changes,
    ...extra,
  };
}

function state(overrides: Partial<InboundState> = {}): InboundState {
  return {
    links: [link()],
    lastAppliedRevision: 4,
    written: new Map(),
    config: { sync_status_reverse: true, sync_reverse_assignment: true },
    ...overrides,
  };
}

function applied(decision: InboundDecision) {
  if (decision.kind !== 'apply') throw new Error(`got ${decision.kind}`);
  return decision;
}

/** What the runner does with a state change, given the project's done states. */
function statusAction(decision: InboundDecision) {
  const change = applied(decision).state;
  return change ? inboundStatusAction(change.from, change.to, DONE) : 'none';
}

const written = (
  entries: Array<[number, Record<string, unknown>, boolean]>,
): Map<number, WrittenRevision> =>
  new Map(
    entries.map(([rev, fields, confirmed]) => [rev, { fields, confirmed }]),
  );

describe('decideInbound: sync_status_inbound (reference §5 truth table, flips fixed)', () => {
  it.each([
    ['Active', 'Resolved', 'resolve', 'RESOLVE'],
    ['Active', 'Closed', 'resolve', 'RESOLVE'],
    ['Resolved', 'Active', 'unresolve', 'UNRESOLVE'],
    ['', 'New', 'noop', 'UNRESOLVE (no-op on unresolved issues)'],
    ['New', 'Active', 'noop', 'UNRESOLVE: reopened resolved issues (fixed)'],
    ['Resolved', 'Closed', 'noop', 'NOOP'],
    ['', 'Resolved', 'resolve', 'NOOP (conflict; fixed: into done resolves)'],
  ])('%s → %s: %s (reference: %s)', (from, to, expected) => {
    const decision = decideInbound(
      updated(5, {
        'System.State': { oldValue: from || undefined, newValue: to },
      }),
      state({ links: [link({ state: from })] }),
    );
    expect(statusAction(decision)).toBe(expected);
  });

  it('judges from the state at the last applied revision, not the delivery’s oldValue', () => {
    // Revisions 5–6 were lost: the delivery says Active → Resolved, the issue last saw Resolved.
    const decision = decideInbound(
      updated(7, {
        'System.State': { oldValue: 'Active', newValue: 'Closed' },
      }),
      state({ links: [link({ state: 'Resolved' })] }),
    );
    expect(applied(decision).state).toEqual({ from: 'Resolved', to: 'Closed' });
    expect(statusAction(decision)).toBe('noop');
  });

  it('changes no status when sync_status_reverse is off, but still records the state', () => {
    const decision = applied(
      decideInbound(
        updated(5, {
          'System.State': { oldValue: 'Active', newValue: 'Resolved' },
        }),
        state({
          config: { sync_status_reverse: false, sync_reverse_assignment: true },
        }),
      ),
    );
    expect(decision.state).toBeUndefined();
    expect(decision.snapshot).toEqual({ state: 'Resolved' });
    expect(decision.markApplied).toBe(5);
  });

  it('reads an unchanged field from the revision snapshot and leaves equal values alone', () => {
    const decision = applied(
      decideInbound(
        updated(
          5,
          {
            'System.Title': {
              oldValue: 'a',
              newValue: 'Checkout fails on retry',
            },
          },
          {
            snapshot: {
              'System.State': 'Active',
              'System.AssignedTo': 'Alice <alice@example.com>',
            },
          },
        ),
        state(),
      ),
    );
    expect(decision.state).toBeUndefined();
    expect(decision.assignee).toBeUndefined();
    expect(decision.snapshot).toEqual({
      state: 'Active',
      assignedTo: 'alice@example.com',
      title: 'Checkout fails on retry',
    });
  });
});

describe('decideInbound: sync_group_assignee_inbound', () => {
  it.each([
    ['a "Name <email>" string', 'Bob <bob@example.com>'],
    [
      'an identity object',
      { uniqueName: 'bob@example.com', displayName: 'Bob' },
    ],
  ])('assigns from %s', (_, value) => {
    const decision = applied(
      decideInbound(
        updated(5, { 'System.AssignedTo': { oldValue: 'x', newValue: value } }),
        state(),
      ),
    );
    expect(decision.assignee).toEqual({ value });
    expect(decision.snapshot?.assignedTo).toBe('bob@example.com');
  });

  it('unassigns when the new value is absent (only oldValue)', () => {
    const decision = applied(
      decideInbound(
        updated(5, {
          'System.AssignedTo': { oldValue: 'Alice <alice@example.com>' },
        }),
        state(),
      ),
    );
    expect(decision.assignee).toEqual({ value: undefined });
    expect(decision.snapshot?.assignedTo).toBe('');
  });

  it('leaves the assignee alone when sync_reverse_assignment is off', () => {
    const decision = applied(
      decideInbound(
        updated(5, {
          'System.AssignedTo': { newValue: 'Bob <bob@example.com>' },
        }),
        state({
          config: { sync_status_reverse: true, sync_reverse_assignment: false },
        }),
      ),
    );
    expect(decision.assignee).toBeUndefined();
  });
});

describe('decideInbound: revisions, echoes and our own writes', () => {
  const resolvedInAdo = {
    'System.State': { oldValue: 'Active', newValue: 'Resolved' },
  };

  it('a revision at or below the last applied one changes no status or assignee', () => {
    for (const revision of [3, 4]) {
      const decision = applied(
        decideInbound(updated(revision, resolvedInAdo), state()),
      );
      expect(decision.stale).toContain(`revision ${revision} is older`);
      expect(decision.state).toBeUndefined();
      expect(decision.snapshot).toBeUndefined();
      expect(decision.markApplied).toBeUndefined();
    }
  });

  it('records a stale revision’s comment all the same', () => {
    const decision = applied(
      decideInbound(
        updated(3, { 'System.History': { newValue: 'late note' } }),
        state(),
      ),
    );
    expect(decision.comment?.text).toBe('late note');
  });

  it('knows the echo of our own write by its values, and does not apply it back', () => {
    const decision = applied(
      decideInbound(
        updated(5, resolvedInAdo),
        state({
          written: written([[5, { 'System.State': 'Resolved' }, true]]),
        }),
      ),
    );
    expect(decision.echo).toBe(true);
    expect(decision.state).toBeUndefined();
    expect(decision.markApplied).toBe(5);
  });

  it('is no echo when a foreign edit took the revision our PATCH expected', () => {
    const decision = applied(
      decideInbound(
        updated(5, {
          'System.State': { oldValue: 'Active', newValue: 'Closed' },
        }),
        state({
          written: written([[5, { 'System.State': 'Resolved' }, false]]),
        }),
      ),
    );
    expect(decision.echo).toBe(false);
    expect(decision.state).toEqual({ from: 'Active', to: 'Closed' });
  });

  it('leaves a field alone that a later confirmed write of ours replaced', () => {
    const decision = applied(
      decideInbound(
        updated(5, resolvedInAdo),
        state({ written: written([[6, { 'System.State': 'Active' }, true]]) }),
      ),
    );
    expect(decision.state).toBeUndefined();
    expect(decision.snapshot).toEqual({ state: 'Resolved' });
  });

  it('takes a confirmed write of ours since the last applied revision as the baseline', () => {
    const decision = applied(
      decideInbound(
        updated(6, {
          'System.State': { oldValue: 'Resolved', newValue: 'Active' },
        }),
        state({
          written: written([[5, { 'System.State': 'Resolved' }, true]]),
        }),
      ),
    );
    expect(decision.state).toEqual({ from: 'Resolved', to: 'Active' });
    expect(statusAction(decision)).toBe('unresolve');
  });
});

describe('decideInbound: comments, deletes and links', () => {
  it('records a comment made in ADO with its author’s e-mail', () => {
    const decision = applied(
      decideInbound(
        updated(
          5,
          { 'System.History': { newValue: '<div>Fixed in 1.2</div>' } },
          {
            revisedBy: {
              displayName: 'Carol',
              uniqueName: 'carol@example.com',
            },
          },
        ),
        state(),
      ),
    );
    expect(decision.comment).toEqual({
      text: '<div>Fixed in 1.2</div>',
      author: 'carol@example.com',
    });
  });

  it('does not record our own comment’s echo', () => {
    const decision = applied(
      decideInbound(
        updated(5, { 'System.History': { newValue: 'Alice wrote: hi' } }),
        state({ written: written([[5, { 'System.History': 'x' }, true]]) }),
      ),
    );
    expect(decision.comment).toBeUndefined();
    expect(decision.echo).toBe(true);
  });

  it('marks the links of a deleted work item broken', () => {
    const links = [link(), link({ issueId: 'issue-2' })];
    expect(
      decideInbound(
        {
          eventType: 'workitem.deleted',
          workItemId: 7,
          revision: 0,
          changes: {},
        },
        state({ links }),
      ),
    ).toEqual({ kind: 'delete', links });
  });

  it('skips a work item no issue links to, or only through broken links', () => {
    for (const links of [[], [link({ broken: true })]]) {
      expect(decideInbound(updated(5, {}), state({ links }))).toEqual({
        kind: 'skip',
        outcome: 'No issue is linked to work item 7',
      });
    }
  });

  it('a restored work item reaches its broken links', () => {
    const decision = decideInbound(
      {
        eventType: 'workitem.restored',
        workItemId: 7,
        revision: 6,
        changes: { 'System.State': { newValue: 'Active' } },
      },
      state({ links: [link({ broken: true })] }),
    );
    expect(decision.kind).toBe('apply');
  });

  it('clears the broken mark on restore, also at a revision already applied', () => {
    const restore = (revision: number) =>
      applied(
        decideInbound(
          {
            eventType: 'workitem.restored',
            workItemId: 7,
            revision,
            changes: { 'System.State': { newValue: 'Active' } },
          },
          state({ links: [link({ broken: true })], lastAppliedRevision: 6 }),
        ),
      );
    expect(restore(7).snapshot).toMatchObject({ broken: false });
    expect(restore(6).snapshot).toEqual({ broken: false });
    expect(restore(6).stale).toBeDefined();
    // Its fields may still show the last comment: not recorded again.
    const withHistory = applied(
      decideInbound(
        {
          eventType: 'workitem.restored',
          workItemId: 7,
          revision: 7,
          changes: { 'System.History': { newValue: 'an old comment' } },
        },
        state({ links: [link({ broken: true })], lastAppliedRevision: 6 }),
      ),
    );
    expect(withHistory.comment).toBeUndefined();
    // An update never touches the mark.
    const update = applied(
      decideInbound(
        updated(8, { 'System.Title': { newValue: 'x' } }),
        state({ lastAppliedRevision: 6 }),
      ),
    );
    expect(update.snapshot).not.toHaveProperty('broken');
  });

  it('names the same author for workitem.commented as for the updated of its revision', () => {
    const commented = applied(
      decideInbound(
        {
          eventType: 'workitem.commented',
          workItemId: 7,
          revision: 5,
          changes: {
            'System.History': { newValue: 'Fixed in 1.2' },
            'System.ChangedBy': { newValue: 'Carol <carol@example.com>' },
          },
        },
        state(),
      ),
    );
    expect(commented.comment).toEqual({
      text: 'Fixed in 1.2',
      author: 'carol@example.com',
    });
  });
});
