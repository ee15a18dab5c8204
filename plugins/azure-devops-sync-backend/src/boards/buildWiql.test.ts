import { parseWiql, WiqlExpr } from '@internal/ado-emulator';
import { buildBoardsWiql, parseTagsAnnotation } from './buildWiql';

/** The conditions of a WHERE clause joined by AND, as [field, op, value] triples. */
function conditions(expr: WiqlExpr | undefined): unknown[] {
  if (!expr) return [];
  if (expr.kind === 'and')
    return [...conditions(expr.left), ...conditions(expr.right)];
  if (expr.kind === 'cond')
    return [[expr.field, expr.op, ...expr.values.map(v => (v as any).value)]];
  return [expr];
}

describe('buildBoardsWiql', () => {
  it('selects the project, newest change first', () => {
    expect(buildBoardsWiql({ project: 'Payments' })).toBe(
      "SELECT [System.Id] FROM WorkItems WHERE [System.TeamProject] = 'Payments' ORDER BY [System.ChangedDate] DESC",
    );
  });

  it('adds the area path (UNDER), every tag (CONTAINS) and the filters', () => {
    const wiql = buildBoardsWiql({
      project: 'Fabrikam-Fiber',
      areaPath: 'Fabrikam-Fiber\\Web',
      tags: ['web-shop', 'checkout'],
      state: 'Active',
      type: 'User Story',
      assignedTo: 'alice@example.com',
      q: 'cart',
    });
    const parsed = parseWiql(wiql);
    expect(conditions(parsed.where)).toEqual([
      ['System.TeamProject', '=', 'Fabrikam-Fiber'],
      ['System.AreaPath', 'under', 'Fabrikam-Fiber\\Web'],
      ['System.Tags', 'contains', 'web-shop'],
      ['System.Tags', 'contains', 'checkout'],
      ['System.State', '=', 'Active'],
      ['System.WorkItemType', '=', 'User Story'],
      ['System.AssignedTo', '=', 'alice@example.com'],
      ['System.Title', 'contains', 'cart'],
    ]);
    expect(parsed.orderBy).toEqual([
      { field: 'System.ChangedDate', descending: true },
    ]);
  });

  it('searches a number as an id or in the title', () => {
    const parsed = parseWiql(buildBoardsWiql({ project: 'P', q: '#42' }));
    const [, search] = conditions(parsed.where) as any[];
    expect(search).toMatchObject({
      kind: 'or',
      left: { field: 'System.Id', op: '=', values: [{ value: 42 }] },
      right: {
        field: 'System.Title',
        op: 'contains',
        values: [{ value: '#42' }],
      },
    });
    // Beyond a 32-bit id: only the title.
    expect(
      conditions(
        parseWiql(buildBoardsWiql({ project: 'P', q: '9999999999' })).where,
      ),
    ).toEqual([
      ['System.TeamProject', '=', 'P'],
      ['System.Title', 'contains', '9999999999'],
    ]);
  });

  it.each([
    ['quotes', "O'Brien's"],
    ['an injected OR', "x' OR 1=1 OR [System.Id] > '0"],
    ['an injected ORDER BY', "x' ORDER BY [System.Id] --"],
    ['brackets', '[System.Id] = 1'],
    ['a newline', "Web\n' OR [System.State] <> '"],
    ['a double quote', 'say "hi"'],
    ['only a quote', "'"],
  ])('keeps %s inside string literals', (_what, hostile) => {
    const wiql = buildBoardsWiql({
      project: hostile,
      areaPath: hostile,
      tags: [hostile],
      state: hostile,
      type: hostile,
      assignedTo: hostile,
      q: hostile,
    });
    const parsed = parseWiql(wiql);
    // Exactly the eight conditions, joined by AND, each with the value as one literal.
    // eslint-disable-next-line no-control-regex
    const expected = hostile.replace(/[\u0000-\u001f]/g, ' ');
    expect(conditions(parsed.where)).toEqual([
      ['System.TeamProject', '=', expected],
      ['System.AreaPath', 'under', expected],
      ['System.Tags', 'contains', expected],
      ['System.State', '=', expected],
      ['System.WorkItemType', '=', expected],
      ['System.AssignedTo', '=', expected],
      ['System.Title', 'contains', expected.trim()],
    ]);
    expect(parsed.fields).toEqual(['System.Id']);
    expect(parsed.orderBy).toEqual([
      { field: 'System.ChangedDate', descending: true },
    ]);
    expect(wiql).not.toMatch(/[\r\n]/);
  });
});

describe('parseTagsAnnotation', () => {
  it('splits on commas, trims, and drops empty and repeated tags', () => {
    expect(parseTagsAnnotation(' web-shop , Checkout,,checkout, ')).toEqual([
      'web-shop',
      'Checkout',
    ]);
    expect(parseTagsAnnotation(undefined)).toEqual([]);
    expect(parseTagsAnnotation(' , ')).toEqual([]);
  });
});
