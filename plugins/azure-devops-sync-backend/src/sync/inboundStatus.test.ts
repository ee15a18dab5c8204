import {
  identityDisplayName,
  identityEmail,
  outboundCommentBody,
} from './identity';
import { inboundStatusAction } from './inboundStatus';

// The reference's fixture states: New=Proposed, Active=InProgress, CustomState=InProgress,
// Resolved=Resolved, Closed=Completed → done = {Resolved, Closed}.
const DONE = ['Resolved', 'Closed'];

describe('inboundStatusAction (reference truth table, flips fixed)', () => {
  it.each([
    ['Active', 'Resolved', 'resolve'],
    ['Active', 'Closed', 'resolve'],
    ['Resolved', 'Active', 'unresolve'],
    [null, 'New', 'noop'], // reference: UNRESOLVE
    ['New', 'Active', 'noop'], // reference: UNRESOLVE, reopening a resolved issue
    ['Resolved', 'Closed', 'noop'],
    [null, 'Resolved', 'resolve'], // reference: NOOP (conflict)
    ['Closed', 'Removed', 'unresolve'],
    ['Active', null, 'noop'],
  ])('%s → %s: %s', (from, to, action) => {
    expect(inboundStatusAction(from, to, DONE)).toBe(action);
  });

  it('honours per-project done states (only Closed counts)', () => {
    expect(inboundStatusAction('Active', 'Resolved', ['Closed'])).toBe('noop');
    expect(inboundStatusAction('Resolved', 'Closed', ['Closed'])).toBe(
      'resolve',
    );
  });
});

describe('identityDisplayName', () => {
  it.each([
    ['Jamal Hartnett <Fabrikamfiber4@hotmail.com>', 'Jamal Hartnett'],
    ['bob@example.com', undefined],
    ['<bob@example.com>', undefined],
    [
      { displayName: 'Alice Smith', uniqueName: 'alice@example.com' },
      'Alice Smith',
    ],
    [{ name: 'Carol White <carol@example.com>' }, 'Carol White'],
    [undefined, undefined],
  ])('%j → %j', (value, name) => {
    expect(identityDisplayName(value)).toBe(name);
  });
});

describe('identityEmail', () => {
  it.each([
    ['lauryn <lauryn@example.com>', 'lauryn@example.com'],
    [
      'Jamal Hartnett <Fabrikamfiber4@hotmail.com>',
      'fabrikamfiber4@hotmail.com',
    ],
    ['bob@example.com', 'bob@example.com'],
    ['Jamal Hartnett', undefined],
    ['', undefined],
    [
      { uniqueName: 'Alice@Example.com', displayName: 'Alice' },
      'alice@example.com',
    ],
    [{ mailAddress: 'dan@example.com' }, 'dan@example.com'],
    [{ displayName: 'No Mail' }, undefined],
    [42, undefined],
  ])('%p → %p', (value, email) => {
    expect(identityEmail(value)).toBe(email);
  });
});

describe('outboundCommentBody', () => {
  it("keeps the reference's format and escapes HTML", () => {
    expect(
      outboundCommentBody('Alice Smith', 'Fixed in <b>v2</b> & "soon"'),
    ).toBe(
      'Alice Smith wrote:\n\n<blockquote>Fixed in &lt;b&gt;v2&lt;/b&gt; &amp; &quot;soon&quot;</blockquote>',
    );
  });
});
