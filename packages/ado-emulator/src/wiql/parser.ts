/**
 * A small WIQL parser for the subset the emulator supports:
 *
 *   SELECT [f], ... FROM WorkItems
 *   [WHERE cond {AND|OR cond} ...]   (parentheses and NOT allowed)
 *   [ORDER BY [f] [ASC|DESC], ...]
 *
 * where cond is `[field] op value`, op one of = <> != > < >= <=,
 * CONTAINS, NOT CONTAINS, CONTAINS WORDS, IN (v, ...), NOT IN (...), UNDER, NOT UNDER;
 * value is a 'string' (quotes doubled to escape), a number, @project, @me or @today [- n].
 */

export type WiqlValue =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'macro'; name: string; offset: number };

export type WiqlExpr =
  | { kind: 'and' | 'or'; left: WiqlExpr; right: WiqlExpr }
  | { kind: 'not'; expr: WiqlExpr }
  | { kind: 'cond'; field: string; op: string; values: WiqlValue[] };

export interface WiqlQuery {
  fields: string[];
  where?: WiqlExpr;
  orderBy: { field: string; descending: boolean }[];
}

export class WiqlSyntaxError extends Error {}

type Token =
  | { t: 'field'; v: string }
  | { t: 'string'; v: string }
  | { t: 'number'; v: number }
  | { t: 'word'; v: string }
  | { t: 'macro'; v: string }
  | { t: 'op'; v: string }
  | { t: 'punct'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '[') {
      const end = text.indexOf(']', i);
      if (end < 0)
        throw new WiqlSyntaxError(`Expecting ']' after position ${i}`);
      tokens.push({ t: 'field', v: text.slice(i + 1, end).trim() });
      i = end + 1;
    } else if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= text.length)
          throw new WiqlSyntaxError('Unterminated string literal');
        if (text[j] === c) {
          if (text[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      tokens.push({ t: 'string', v: value });
      i = j + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(text.slice(i))!;
      tokens.push({ t: 'number', v: Number(m[0]) });
      i += m[0].length;
    } else if (c === '@') {
      const m = /^@[A-Za-z]+/.exec(text.slice(i));
      if (!m) throw new WiqlSyntaxError(`Unexpected '@' at position ${i}`);
      tokens.push({ t: 'macro', v: m[0].slice(1).toLowerCase() });
      i += m[0].length;
    } else if (/[<>=!]/.test(c)) {
      const m = /^(<>|!=|>=|<=|=|<|>)/.exec(text.slice(i));
      if (!m) throw new WiqlSyntaxError(`Unexpected '${c}' at position ${i}`);
      tokens.push({ t: 'op', v: m[0] === '!=' ? '<>' : m[0] });
      i += m[0].length;
    } else if (c === '(' || c === ')' || c === ',' || c === '-' || c === '+') {
      tokens.push({ t: 'punct', v: c });
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(i))!;
      tokens.push({ t: 'word', v: m[0].toUpperCase() });
      i += m[0].length;
    } else {
      throw new WiqlSyntaxError(`Unexpected character '${c}' at position ${i}`);
    }
  }
  return tokens;
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.pos];
  }

  private isWord(w: string, offset = 0): boolean {
    const t = this.tokens[this.pos + offset];
    return t?.t === 'word' && t.v === w;
  }

  private expectWord(w: string): void {
    if (!this.isWord(w)) throw new WiqlSyntaxError(`Expecting ${w}`);
    this.pos++;
  }

  private expectPunct(p: string): void {
    const t = this.peek();
    if (t?.t !== 'punct' || t.v !== p)
      throw new WiqlSyntaxError(`Expecting '${p}'`);
    this.pos++;
  }

  private field(): string {
    const t = this.peek();
    if (t?.t === 'field') {
      this.pos++;
      return t.v;
    }
    if (t?.t === 'word' && t.v.includes('.')) {
      this.pos++;
      return t.v;
    }
    throw new WiqlSyntaxError('Expecting a field name in square brackets');
  }

  parse(): WiqlQuery {
    this.expectWord('SELECT');
    const fields = [this.field()];
    while (this.peek()?.t === 'punct' && this.peek()!.v === ',') {
      this.pos++;
      fields.push(this.field());
    }
    this.expectWord('FROM');
    const source = this.peek();
    if (source?.t !== 'word' || source.v !== 'WORKITEMS') {
      throw new WiqlSyntaxError('Only FROM WorkItems is supported');
    }
    this.pos++;
    let where: WiqlExpr | undefined;
    if (this.isWord('WHERE')) {
      this.pos++;
      where = this.or();
    }
    const orderBy: WiqlQuery['orderBy'] = [];
    if (this.isWord('ORDER')) {
      this.pos++;
      this.expectWord('BY');
      for (;;) {
        const field = this.field();
        let descending = false;
        if (this.isWord('DESC')) {
          descending = true;
          this.pos++;
        } else if (this.isWord('ASC')) {
          this.pos++;
        }
        orderBy.push({ field, descending });
        if (this.peek()?.t === 'punct' && this.peek()!.v === ',') {
          this.pos++;
          continue;
        }
        break;
      }
    }
    if (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos];
      throw new WiqlSyntaxError(`Unsupported syntax near '${String(t.v)}'`);
    }
    return { fields, where, orderBy };
  }

  private or(): WiqlExpr {
    let left = this.and();
    while (this.isWord('OR')) {
      this.pos++;
      left = { kind: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): WiqlExpr {
    let left = this.term();
    while (this.isWord('AND')) {
      this.pos++;
      left = { kind: 'and', left, right: this.term() };
    }
    return left;
  }

  private term(): WiqlExpr {
    if (this.isWord('NOT') && !this.isWord('IN', 1)) {
      this.pos++;
      return { kind: 'not', expr: this.term() };
    }
    const t = this.peek();
    if (t?.t === 'punct' && t.v === '(') {
      this.pos++;
      const e = this.or();
      this.expectPunct(')');
      return e;
    }
    return this.condition();
  }

  private condition(): WiqlExpr {
    const field = this.field();
    const t = this.peek();
    if (t?.t === 'op') {
      this.pos++;
      return { kind: 'cond', field, op: t.v, values: [this.value()] };
    }
    let negate = false;
    if (this.isWord('NOT')) {
      negate = true;
      this.pos++;
    }
    let op: string;
    if (this.isWord('CONTAINS')) {
      this.pos++;
      op = 'contains';
      if (this.isWord('WORDS')) {
        this.pos++;
        op = 'containsWords';
      }
    } else if (this.isWord('IN')) {
      this.pos++;
      this.expectPunct('(');
      const values = [this.value()];
      while (this.peek()?.t === 'punct' && this.peek()!.v === ',') {
        this.pos++;
        values.push(this.value());
      }
      this.expectPunct(')');
      const cond: WiqlExpr = { kind: 'cond', field, op: 'in', values };
      return negate ? { kind: 'not', expr: cond } : cond;
    } else if (this.isWord('UNDER')) {
      this.pos++;
      op = 'under';
    } else {
      throw new WiqlSyntaxError(`Expecting an operator after [${field}]`);
    }
    const cond: WiqlExpr = { kind: 'cond', field, op, values: [this.value()] };
    return negate ? { kind: 'not', expr: cond } : cond;
  }

  private value(): WiqlValue {
    const t = this.peek();
    if (!t) throw new WiqlSyntaxError('Expecting a value');
    this.pos++;
    if (t.t === 'string') return { kind: 'string', value: t.v };
    if (t.t === 'number') return { kind: 'number', value: t.v };
    if (t.t === 'macro') {
      let offset = 0;
      const sign = this.peek();
      if (sign?.t === 'punct' && (sign.v === '-' || sign.v === '+')) {
        const n = this.tokens[this.pos + 1];
        if (n?.t !== 'number')
          throw new WiqlSyntaxError('Expecting a number after the macro');
        offset = sign.v === '-' ? -n.v : n.v;
        this.pos += 2;
      }
      if (!['project', 'me', 'today', 'currentiteration'].includes(t.v)) {
        throw new WiqlSyntaxError(`The macro @${t.v} is not supported`);
      }
      return { kind: 'macro', name: t.v, offset };
    }
    throw new WiqlSyntaxError(`Expecting a value, found '${String(t.v)}'`);
  }
}

export function parseWiql(text: string): WiqlQuery {
  return new Parser(tokenize(text)).parse();
}
