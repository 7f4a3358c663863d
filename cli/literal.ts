// Reads a JavaScript object literal made of plain data (strings, numbers,
// booleans, arrays, nested objects) without evaluating anything: the kernel
// options in `kernel(fn, { constexprs: ['BLOCK'] })`. A property whose value
// is not plain data (a variable, a call) is kept with the value `undefined`,
// so the caller can say which option it could not read.

export type Literal = string | number | boolean | null | readonly Literal[] | { readonly [key: string]: Literal | undefined };

export type LiteralObject = { readonly [key: string]: Literal | undefined };

export function isLiteralObject(value: Literal | undefined): value is LiteralObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type LiteralResult = { readonly ok: true; readonly value: Literal } | { readonly ok: false; readonly problem: string };

export function parseLiteral(text: string): LiteralResult {
  const reader = new LiteralReader(text);
  try {
    const value = reader.value();
    return value === undefined ? { ok: false, problem: 'the options are not a plain literal' } : { ok: true, value };
  } catch (error) {
    if (error instanceof LiteralSyntax) return { ok: false, problem: error.message };
    throw error;
  }
}

class LiteralSyntax extends Error {}

class LiteralReader {
  private i = 0;
  constructor(private readonly text: string) {}

  /** A value, or undefined for an expression that is not plain data (skipped). */
  value(): Literal | undefined {
    this.space();
    const ch = this.text[this.i];
    if (ch === '{') return this.object();
    if (ch === '[') return this.array();
    if (ch === '"' || ch === "'") return this.string();
    const number = /^[-+]?(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(this.text.slice(this.i));
    if (number && !/[\w$]/.test(this.text[this.i + number[0].length] ?? '')) {
      this.i += number[0].length;
      return Number(number[0]);
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.text.startsWith(word, this.i) && !/[\w$]/.test(this.text[this.i + word.length] ?? '')) {
        this.i += word.length;
        return value;
      }
    }
    this.skipExpression();
    return undefined;
  }

  private object(): { [key: string]: Literal | undefined } {
    const result: { [key: string]: Literal | undefined } = {};
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === '}') {
        this.i++;
        return result;
      }
      const ch = this.text[this.i];
      let key: string;
      if (ch === '"' || ch === "'") key = this.string();
      else {
        const m = /^[A-Za-z_$][\w$]*/.exec(this.text.slice(this.i));
        if (!m) throw new LiteralSyntax(`unexpected '${ch ?? 'end'}' in the options object`);
        key = m[0];
        this.i += key.length;
      }
      this.space();
      if (this.text[this.i] === ':') {
        this.i++;
        result[key] = this.value();
      } else result[key] = undefined; // shorthand `{ constexprs }`: a variable
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') throw new LiteralSyntax(`expected ',' or '}' in the options object`);
    }
  }

  private array(): Literal[] | undefined {
    const result: Literal[] = [];
    let plain = true;
    this.i++;
    for (;;) {
      this.space();
      if (this.text[this.i] === ']') {
        this.i++;
        return plain ? result : undefined;
      }
      const v = this.value();
      if (v === undefined) plain = false;
      else result.push(v);
      this.space();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== ']') throw new LiteralSyntax(`expected ',' or ']' in the options object`);
    }
  }

  private string(): string {
    const quote = this.text[this.i];
    let out = '';
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== quote) {
      if (this.text[this.i] === '\\') this.i++;
      out += this.text[this.i] ?? '';
      this.i++;
    }
    this.i++;
    return out;
  }

  /** Skips an arbitrary expression up to the `,` `}` or `]` that ends it. */
  private skipExpression(): void {
    let depth = 0;
    while (this.i < this.text.length) {
      const ch = this.text[this.i] ?? '';
      if ('([{'.includes(ch)) depth++;
      else if (')]}'.includes(ch)) {
        if (depth === 0) return;
        depth--;
      } else if (ch === ',' && depth === 0) return;
      else if (ch === '"' || ch === "'") {
        this.string();
        continue;
      }
      this.i++;
    }
  }

  private space(): void {
    for (;;) {
      while (/\s/.test(this.text[this.i] ?? '')) this.i++;
      if (this.text.startsWith('//', this.i)) this.i = this.text.indexOf('\n', this.i) < 0 ? this.text.length : this.text.indexOf('\n', this.i);
      else if (this.text.startsWith('/*', this.i)) this.i = this.text.indexOf('*/', this.i) < 0 ? this.text.length : this.text.indexOf('*/', this.i) + 2;
      else return;
    }
  }
}
