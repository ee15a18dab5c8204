import type {
  Issue,
  OrganizationConfigValues,
} from '@ado-sync/backstage-plugin-azure-devops-sync-common';
import type { StoredIssueLink } from '../database/IssueStore';
import type { OutboxJobPayload } from '../database/OutboxStore';
import {
  adoValueMoved,
  decideOutbound,
  OutboundJob,
  OutboundState,
  syncSwitchedOff,
} from './decideOutbound';

const CONFIG: OrganizationConfigValues = {
  sync_status_forward: { p1: { on_resolve: 'Closed', on_unresolve: 'Active' } },
  sync_forward_assignment: true,
  sync_comments: true,
  sync_status_reverse: true,
  sync_reverse_assignment: true,
  inbound_done_states: {},
};

const JOB_CREATED = '2026-12-01T10:00:00.000Z';

function job(payload: OutboxJobPayload, attempts = 1): OutboundJob {
  return { payload, attempts, createdAt: JOB_CREATED };
}

function issue(overrides: Partial<Issue> = {}): Issue {
  return {
    id: 'issue-1',
    shortId: 'PAYMENTS-1',
    entityRef: 'component:default/payments-api',
    title: 'TypeError',
    culprit: '',
    level: 'error',
    status: 'resolved',
    assignee: 'user:default/alice',
    timesSeen: 1,
    firstSeen: JOB_CREATED,
    lastSeen: JOB_CREATED,
    links: [],
    ...overrides,
  };
}

const LINK: StoredIssueLink = {
  issueId: 'issue-1',
  organizationId: 'org-1',
  workItemId: 7,
  url: 'u',
  title: 't',
  state: 'Active',
  projectId: 'p1',
  projectName: 'Payments',
  workItemType: 'Bug',
  displayName: 'Payments#7',
  assignedTo: 'alice@example.com',
};

function state(overrides: Partial<OutboundState> = {}): OutboundState {
  return {
    fields: {
      'System.TeamProject': 'Payments',
      'System.State': 'Active',
      'System.AssignedTo': 'Alice <alice@example.com>',
      'System.ChangedDate': '2026-12-01T09:00:00.000Z',
    },
    issue: issue(),
    link: LINK,
    projectId: 'p1',
    ...overrides,
  };
}

const resolve = job({ kind: 'status', status: 'resolved' });
const unresolve = job({ kind: 'status', status: 'unresolved' });

describe('syncSwitchedOff: the org switches, before any ADO call', () => {
  it.each([
    [
      { kind: 'status', status: 'resolved' },
      { sync_status_forward: {} },
      'Status sync to Azure DevOps is off (no project mapping)',
    ],
    [
      { kind: 'assignee', userEntityRef: null },
      { sync_forward_assignment: false },
      'Assignment sync to Azure DevOps is off',
    ],
    [
      { kind: 'comment', text: 'x', authorName: 'A' },
      { sync_comments: false },
      'Comment sync to Azure DevOps is off',
    ],
  ] as const)('%j with %j: skipped', (payload, off, reason) => {
    expect(syncSwitchedOff(payload, { ...CONFIG, ...off })).toBe(reason);
    expect(syncSwitchedOff(payload, CONFIG)).toBeUndefined();
  });
});

describe('decideOutbound: sync_status_outbound', () => {
  it('writes the mapped state for resolve and unresolve', () => {
    expect(decideOutbound(resolve, state(), CONFIG)).toEqual({
      kind: 'write',
      ops: [{ op: 'replace', path: '/fields/System.State', value: 'Closed' }],
      outcome: 'State set to Closed',
    });
    const reopened = state({
      issue: issue({ status: 'unresolved' }),
      fields: { ...state().fields, 'System.State': 'Closed' },
      link: { ...LINK, state: 'Closed' },
    });
    expect(decideOutbound(unresolve, reopened, CONFIG)).toMatchObject({
      kind: 'write',
      ops: [{ value: 'Active' }],
    });
  });

  it('skips, visibly, a project without a mapping (the reference sent nothing, silently)', () => {
    expect(decideOutbound(resolve, state({ projectId: 'p2' }), CONFIG)).toEqual(
      { kind: 'skip', outcome: 'No status mapping for project Payments' },
    );
  });

  it("skips a work item already in the target state, and says ADO holds the issue's value", () => {
    const closed = state({
      fields: { ...state().fields, 'System.State': 'Closed' },
      link: { ...LINK, state: 'Closed' },
    });
    expect(decideOutbound(resolve, closed, CONFIG)).toEqual({
      kind: 'skip',
      outcome: 'Already in state Closed',
      holds: { 'System.State': 'Closed' },
    });
  });
});

describe("decideOutbound: a work item already on the issue's side of done", () => {
  const done = ['Resolved', 'Closed'];
  const at = (value: string, doneStates?: string[]) =>
    state({
      fields: { ...state().fields, 'System.State': value },
      link: { ...LINK, state: value },
      doneStates,
    });

  it('does not move a resolved work item to another done state (Resolved to Closed)', () => {
    expect(decideOutbound(resolve, at('Resolved', done), CONFIG)).toEqual({
      kind: 'skip',
      outcome: 'Already resolved in Azure DevOps (state Resolved)',
      holds: { 'System.State': 'Resolved' },
    });
  });

  it('does not move an open work item to another open state (New to Active)', () => {
    const open = state({
      issue: issue({ status: 'unresolved' }),
      fields: { ...state().fields, 'System.State': 'New' },
      link: { ...LINK, state: 'New' },
      doneStates: done,
    });
    expect(decideOutbound(unresolve, open, CONFIG)).toEqual({
      kind: 'skip',
      outcome: 'Already unresolved in Azure DevOps (state New)',
      holds: { 'System.State': 'New' },
    });
  });

  it('writes the mapped state across the done boundary, or when the done states are unknown', () => {
    const closeIt = {
      kind: 'write',
      ops: [{ op: 'replace', path: '/fields/System.State', value: 'Closed' }],
      outcome: 'State set to Closed',
    };
    expect(decideOutbound(resolve, at('Active', done), CONFIG)).toEqual(
      closeIt,
    );
    expect(decideOutbound(resolve, at('Resolved'), CONFIG)).toEqual(closeIt);
  });
});

describe('decideOutbound: sync_assignee_outbound', () => {
  const assignBob = job({
    kind: 'assignee',
    userEntityRef: 'user:default/bob',
  });
  const bobsIssue = issue({ assignee: 'user:default/bob' });

  it('asks for the user’s ADO identity before deciding', () => {
    expect(
      decideOutbound(assignBob, state({ issue: bobsIssue }), CONFIG),
    ).toEqual({
      kind: 'needAssignee',
      userEntityRef: 'user:default/bob',
    });
  });

  it('assigns the ADO mailAddress of the user with the catalog e-mail', () => {
    const loaded = state({
      issue: bobsIssue,
      assignee: { email: 'bob@example.com', adoMail: 'Bob@Example.com' },
    });
    expect(decideOutbound(assignBob, loaded, CONFIG)).toEqual({
      kind: 'write',
      ops: [
        {
          op: 'replace',
          path: '/fields/System.AssignedTo',
          value: 'Bob@Example.com',
        },
      ],
      outcome: 'Assigned to Bob@Example.com',
    });
  });

  it.each([
    [{}, 'user:default/bob has no e-mail in the catalog'],
    [
      { email: 'bob@example.com' },
      'No Azure DevOps user with e-mail bob@example.com',
    ],
  ])(
    'fails for good when the user cannot be matched (%j)',
    (assignee, message) => {
      expect(
        decideOutbound(
          assignBob,
          state({ issue: bobsIssue, assignee }),
          CONFIG,
        ),
      ).toEqual({ kind: 'fail', message });
    },
  );

  it('assigns the identity the people mapping names, before any e-mail', () => {
    const loaded = state({
      issue: bobsIssue,
      assignee: {
        mappedIdentity: 'CONTOSO\\bjones',
        email: 'bob@example.com',
        adoMail: 'bob@example.com',
      },
    });
    expect(decideOutbound(assignBob, loaded, CONFIG)).toEqual({
      kind: 'write',
      ops: [
        {
          op: 'replace',
          path: '/fields/System.AssignedTo',
          value: 'CONTOSO\\bjones',
        },
      ],
      outcome: 'Assigned to CONTOSO\\bjones (people mapping)',
    });
    // Mapped users need no catalog e-mail.
    expect(
      decideOutbound(
        assignBob,
        state({
          issue: bobsIssue,
          assignee: { mappedIdentity: 'bob.guest@partner.example' },
        }),
        CONFIG,
      ),
    ).toMatchObject({ kind: 'write' });
  });

  it('skips when ADO already has the mapped identity (by unique name)', () => {
    const loaded = state({
      issue: bobsIssue,
      fields: {
        'System.AssignedTo': {
          displayName: 'Bob Jones',
          uniqueName: 'CONTOSO\\BJones',
        },
      },
      assignee: { mappedIdentity: 'contoso\\bjones' },
    });
    expect(decideOutbound(assignBob, loaded, CONFIG)).toEqual({
      kind: 'skip',
      outcome: 'Already assigned to contoso\\bjones',
      holds: { 'System.AssignedTo': 'contoso\\bjones' },
    });
  });

  it('skips an assignee ADO already has', () => {
    const loaded = state({
      issue: issue({ assignee: 'user:default/alice' }),
      assignee: { email: 'alice@example.com', adoMail: 'alice@example.com' },
    });
    expect(
      decideOutbound(
        job({ kind: 'assignee', userEntityRef: 'user:default/alice' }),
        loaded,
        CONFIG,
      ),
    ).toEqual({
      kind: 'skip',
      outcome: 'Already assigned to alice@example.com',
      holds: { 'System.AssignedTo': 'alice@example.com' },
    });
  });

  it('unassigns with a remove, or skips when nobody is assigned', () => {
    const unassign = job({ kind: 'assignee', userEntityRef: null });
    const unassigned = issue({ assignee: null });
    expect(
      decideOutbound(unassign, state({ issue: unassigned }), CONFIG),
    ).toEqual({
      kind: 'write',
      ops: [{ op: 'remove', path: '/fields/System.AssignedTo' }],
      outcome: 'Unassigned',
    });
    const nobody = state({
      issue: unassigned,
      fields: { ...state().fields, 'System.AssignedTo': undefined },
      link: { ...LINK, assignedTo: '' },
    });
    expect(decideOutbound(unassign, nobody, CONFIG)).toEqual({
      kind: 'skip',
      outcome: 'Already unassigned',
      holds: { 'System.AssignedTo': null },
    });
    // Someone ADO knows by a name without an e-mail is still someone to unassign.
    const domainUser = state({
      issue: unassigned,
      fields: {
        ...state().fields,
        'System.AssignedTo': 'Erin Lee <FABRIKAM\\erin>',
      },
    });
    expect(decideOutbound(unassign, domainUser, CONFIG)).toEqual({
      kind: 'write',
      ops: [{ op: 'remove', path: '/fields/System.AssignedTo' }],
      outcome: 'Unassigned',
    });
  });
});

describe('decideOutbound: comments', () => {
  const comment = {
    kind: 'comment',
    text: 'Fixed <b>now</b>',
    authorName: 'Alice',
  } as const;
  const body =
    'Alice wrote:\n\n<blockquote>Fixed &lt;b&gt;now&lt;/b&gt;</blockquote>';

  it('adds the reference’s comment body to System.History, HTML-escaped', () => {
    expect(decideOutbound(job(comment), state(), CONFIG)).toEqual({
      kind: 'write',
      ops: [{ op: 'add', path: '/fields/System.History', value: body }],
      outcome: 'Comment added',
    });
  });

  it('does not post a comment twice when a retry finds it already written', () => {
    const written = state({
      fields: { ...state().fields, 'System.History': body },
    });
    expect(decideOutbound(job(comment, 2), written, CONFIG)).toEqual({
      kind: 'done',
      outcome: 'Comment already in Azure DevOps (written before a retry)',
    });
    // A first attempt that finds the same text posts it: somebody else wrote it.
    expect(decideOutbound(job(comment, 1), written, CONFIG).kind).toBe('write');
  });
});

describe('decideOutbound: superseded jobs (the later writer wins)', () => {
  it('skips a job whose issue has changed since', () => {
    expect(
      decideOutbound(
        resolve,
        state({ issue: issue({ status: 'unresolved' }) }),
        CONFIG,
      ),
    ).toEqual({
      kind: 'skip',
      outcome: 'Superseded: the issue is unresolved now',
    });
    expect(
      decideOutbound(
        job({ kind: 'assignee', userEntityRef: 'user:default/bob' }),
        state(),
        CONFIG,
      ),
    ).toEqual({
      kind: 'skip',
      outcome: 'Superseded: the issue is assigned to user:default/alice now',
    });
  });

  const closedInAdoLater = {
    'System.State': 'Removed',
    'System.ChangedDate': '2026-12-01T11:00:00.000Z',
  };

  it('skips when ADO crossed the done boundary after the job was made', () => {
    const moved = state({
      fields: {
        ...state().fields,
        ...closedInAdoLater,
        'System.State': 'Closed',
      },
      doneStates: ['Closed'],
      writesSinceApplied: [],
    });
    expect(
      decideOutbound(
        unresolve,
        { ...moved, issue: issue({ status: 'unresolved' }) },
        CONFIG,
      ),
    ).toEqual({
      kind: 'skip',
      outcome:
        'Superseded: System.State was changed in Azure DevOps after this change was made',
    });
  });

  it('writes when the ADO change stays on one side of the done boundary, is ours, is older, or done states are unknown', () => {
    const base = {
      fields: { ...state().fields, ...closedInAdoLater, 'System.State': 'New' },
      doneStates: ['Closed'],
      writesSinceApplied: [],
    };
    expect(decideOutbound(resolve, state(base), CONFIG).kind).toBe('write');
    const crossed = {
      ...base,
      fields: { ...base.fields, 'System.State': 'Closed' },
    };
    const unresolved = issue({ status: 'unresolved' });
    const ours = {
      ...crossed,
      writesSinceApplied: [
        { fields: { 'System.State': 'Closed' }, confirmed: true },
      ],
    };
    expect(
      decideOutbound(unresolve, state({ ...ours, issue: unresolved }), CONFIG)
        .kind,
    ).toBe('write');
    const older = {
      ...crossed,
      fields: {
        ...crossed.fields,
        'System.ChangedDate': '2026-12-01T09:00:00.000Z',
      },
    };
    expect(
      decideOutbound(unresolve, state({ ...older, issue: unresolved }), CONFIG)
        .kind,
    ).toBe('write');
    expect(
      decideOutbound(
        unresolve,
        state({ ...crossed, doneStates: undefined, issue: unresolved }),
        CONFIG,
      ).kind,
    ).toBe('write');
  });

  it('asks for history only when ADO holds another value than the last applied one', () => {
    expect(adoValueMoved(resolve, state().fields, LINK)).toBe(false);
    expect(adoValueMoved(resolve, { 'System.State': 'Closed' }, LINK)).toBe(
      true,
    );
    expect(
      adoValueMoved(resolve, { 'System.State': 'Closed' }, undefined),
    ).toBe(false);
    expect(
      adoValueMoved(
        job({ kind: 'comment', text: 'x', authorName: 'A' }),
        {},
        LINK,
      ),
    ).toBe(false);
  });
});
