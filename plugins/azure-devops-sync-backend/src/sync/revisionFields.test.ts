import { fieldAtRevision, isEchoOf, normalizeField } from './revisionFields';

describe('fieldAtRevision', () => {
  const changes = { 'System.State': { oldValue: 'New', newValue: 'Active' } };
  const snapshot = {
    'System.State': 'Active',
    'System.AssignedTo': 'Bob <bob@example.com>',
  };

  it('prefers the change, then the snapshot, where an absent field is empty', () => {
    expect(fieldAtRevision(changes, snapshot, 'System.State')).toEqual({
      known: true,
      value: 'Active',
    });
    expect(fieldAtRevision({}, snapshot, 'System.AssignedTo')).toEqual({
      known: true,
      value: 'Bob <bob@example.com>',
    });
    expect(fieldAtRevision({}, {}, 'System.AssignedTo')).toEqual({
      known: true,
      value: undefined,
    });
  });

  it('does not know a field the delivery neither changed nor snapshotted', () => {
    expect(fieldAtRevision(changes, undefined, 'System.AssignedTo')).toEqual({
      known: false,
    });
  });

  it('reads an unassignment (old value only) as empty', () => {
    const unassigned = {
      'System.AssignedTo': { oldValue: 'Bob <bob@example.com>' },
    };
    const at = fieldAtRevision(unassigned, undefined, 'System.AssignedTo');
    expect(at.known && normalizeField('System.AssignedTo', at.value)).toBe('');
  });
});

describe('normalizeField', () => {
  it('compares assignees by lower-case e-mail, whatever the shape', () => {
    expect(normalizeField('System.AssignedTo', 'Bob <Bob@Example.com>')).toBe(
      'bob@example.com',
    );
    expect(
      normalizeField('System.AssignedTo', { uniqueName: 'bob@example.com' }),
    ).toBe('bob@example.com');
    expect(normalizeField('System.AssignedTo', null)).toBe('');
  });

  it('compares an assignee without an e-mail by the name ADO knows it by', () => {
    // A people mapping may name `DOMAIN\user`; ADO echoes it as `Name <DOMAIN\user>`.
    expect(normalizeField('System.AssignedTo', 'FABRIKAM\\erin')).toBe(
      'fabrikam\\erin',
    );
    expect(
      normalizeField('System.AssignedTo', 'Erin Lee <FABRIKAM\\erin>'),
    ).toBe('fabrikam\\erin');
    expect(
      normalizeField('System.AssignedTo', 'Erin Lee <FABRIKAM\\erin>'),
    ).not.toBe(normalizeField('System.AssignedTo', 'FABRIKAM\\bob'));
  });
});

describe('isEchoOf', () => {
  const at =
    (fields: Record<string, unknown>) =>
    (field: string): { known: true; value: unknown } => ({
      known: true,
      value: fields[field],
    });

  it('is our echo when every field we wrote has the value we wrote', () => {
    expect(
      isEchoOf(
        { 'System.AssignedTo': 'alice@example.com' },
        at({ 'System.AssignedTo': 'Alice <alice@example.com>' }),
      ),
    ).toBe(true);
    expect(
      isEchoOf({ 'System.AssignedTo': null }, at({ 'System.State': 'New' })),
    ).toBe(true);
  });

  it("is our echo for a mapped identity ADO sends back as 'Name <DOMAIN\\user>'", () => {
    expect(
      isEchoOf(
        { 'System.AssignedTo': 'FABRIKAM\\erin' },
        at({ 'System.AssignedTo': 'Erin Lee <FABRIKAM\\erin>' }),
      ),
    ).toBe(true);
  });

  it('is a foreign edit when it took our revision number with other values', () => {
    expect(
      isEchoOf(
        { 'System.State': 'Resolved' },
        at({ 'System.State': 'New', 'System.AssignedTo': 'bob@example.com' }),
      ),
    ).toBe(false);
    expect(
      isEchoOf(
        { 'System.History': '<p>ours</p>' },
        at({ 'System.State': 'New' }),
      ),
    ).toBe(false);
  });

  it('matches a comment by presence, since ADO may rewrite its HTML', () => {
    expect(
      isEchoOf(
        { 'System.History': 'Ann wrote:<blockquote>x</blockquote>' },
        at({
          'System.History': '<div>Ann wrote:<blockquote>x</blockquote></div>',
        }),
      ),
    ).toBe(true);
  });

  it('matches records kept before values were stored by field presence', () => {
    expect(
      isEchoOf({ 'System.State': undefined }, at({ 'System.State': 'Done' })),
    ).toBe(true);
    expect(isEchoOf({}, at({}))).toBe(false);
  });
});
