import { EmulatorState } from '../state/EmulatorState';
import { Identity, IDENTITY_FIELDS, Project, WorkItem } from '../state/model';
import { WiqlExpr, WiqlSyntaxError, WiqlValue } from './parser';

export interface WiqlContext {
  state: EmulatorState;
  project?: Project;
  me: Identity;
}

type Scalar = string | number | undefined;

/** Value of a field for comparisons; identities as e-mail. */
export function fieldValue(wi: WorkItem, ref: string): Scalar {
  const key = ref.toLowerCase();
  if (key === 'system.id') return wi.id;
  if (key === 'system.rev') return wi.rev;
  const entry = Object.entries(wi.fields).find(
    ([k]) => k.toLowerCase() === key,
  );
  const v = entry?.[1];
  if (v === undefined || v === null) return undefined;
  return typeof v === 'number' ? v : String(v);
}

function isDateField(ref: string) {
  return /date$/i.test(ref);
}

function isIdentityField(ref: string) {
  return [...IDENTITY_FIELDS].some(f => f.toLowerCase() === ref.toLowerCase());
}

function resolveValue(v: WiqlValue, field: string, ctx: WiqlContext): Scalar {
  if (v.kind !== 'macro') return v.value;
  switch (v.name) {
    case 'project':
      if (!ctx.project) {
        throw new WiqlSyntaxError(
          'TF51011: The @project macro needs a project context; call the project-scoped route.',
        );
      }
      return ctx.project.name;
    case 'me':
      return ctx.me.email;
    case 'today': {
      const d = new Date();
      d.setUTCHours(0, 0, 0, 0);
      d.setUTCDate(d.getUTCDate() + v.offset);
      return d.toISOString();
    }
    default:
      throw new WiqlSyntaxError(
        `The macro @${v.name} is not supported for [${field}]`,
      );
  }
}

function compare(ref: string, a: Scalar, b: Scalar, ctx: WiqlContext): number {
  if (a === undefined || a === '') return b === undefined || b === '' ? 0 : -1;
  if (b === undefined || b === '') return 1;
  if (isDateField(ref)) {
    const x = Date.parse(String(a));
    const y = Date.parse(String(b));
    if (Number.isNaN(y))
      throw new WiqlSyntaxError(`'${b}' is not a valid date for [${ref}]`);
    return x - y;
  }
  if (
    typeof a === 'number' ||
    (typeof b === 'number' && !Number.isNaN(Number(a)))
  ) {
    return Number(a) - Number(b);
  }
  let right = String(b);
  if (isIdentityField(ref))
    right = ctx.state.findIdentity(right)?.email ?? right;
  return String(a).toLowerCase().localeCompare(right.toLowerCase());
}

export function matches(
  expr: WiqlExpr,
  wi: WorkItem,
  ctx: WiqlContext,
): boolean {
  switch (expr.kind) {
    case 'and':
      return matches(expr.left, wi, ctx) && matches(expr.right, wi, ctx);
    case 'or':
      return matches(expr.left, wi, ctx) || matches(expr.right, wi, ctx);
    case 'not':
      return !matches(expr.expr, wi, ctx);
    default:
      break;
  }
  const actual = fieldValue(wi, expr.field);
  const values = expr.values.map(v => resolveValue(v, expr.field, ctx));
  const text = String(actual ?? '').toLowerCase();
  switch (expr.op) {
    case '=':
      return compare(expr.field, actual, values[0], ctx) === 0;
    case '<>':
      return compare(expr.field, actual, values[0], ctx) !== 0;
    case '>':
      return compare(expr.field, actual, values[0], ctx) > 0;
    case '<':
      return compare(expr.field, actual, values[0], ctx) < 0;
    case '>=':
      return compare(expr.field, actual, values[0], ctx) >= 0;
    case '<=':
      return compare(expr.field, actual, values[0], ctx) <= 0;
    case 'in':
      return values.some(v => compare(expr.field, actual, v, ctx) === 0);
    case 'contains': {
      const wanted = String(values[0] ?? '').toLowerCase();
      // Tags are a list ("a; b"): CONTAINS asks for one whole tag, as in ADO.
      if (expr.field.toLowerCase() === 'system.tags') {
        return text.split(';').some(tag => tag.trim() === wanted.trim());
      }
      return text.includes(wanted);
    }
    case 'containsWords': {
      const words = String(values[0] ?? '').toLowerCase();
      const escaped = words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      return new RegExp(`(^|\\W)${escaped}($|\\W)`).test(text);
    }
    case 'under': {
      const base = String(values[0] ?? '').toLowerCase();
      return text === base || text.startsWith(`${base}\\`);
    }
    default:
      throw new WiqlSyntaxError(`Unsupported operator ${expr.op}`);
  }
}

/** Sort comparator for ORDER BY; ties fall back to ascending id like ADO. */
export function orderComparator(
  orderBy: { field: string; descending: boolean }[],
  ctx: WiqlContext,
) {
  return (a: WorkItem, b: WorkItem) => {
    for (const o of orderBy) {
      const c = compare(
        o.field,
        fieldValue(a, o.field),
        fieldValue(b, o.field) ?? '',
        ctx,
      );
      if (c !== 0) return o.descending ? -c : c;
    }
    return a.id - b.id;
  };
}
