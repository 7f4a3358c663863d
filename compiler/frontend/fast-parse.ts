// The frontend's fast path: a recursive-descent parser for the plain
// JavaScript kernels are written in (what `fn.toString()` gives), building the
// AST straight from the lexer's tokens.
//
// Why: chevrotain's per-rule machinery (lookahead functions, CST nodes with
// locations, recovery bookkeeping) and the CST-to-AST visit cost more than the
// rest of a small kernel's compile. Most kernels use only statements and
// expressions whose AST is a direct function of the tokens.
//
// Contract: for every token vector it accepts, it returns exactly the AST that
// parser.ts + to-ast.ts build, spans included (tests/frontend/fast-parse.test.ts
// compares the two). Anything else (TypeScript syntax, arrows and closures
// inside the kernel, constructs the AST builder rejects or reports, any syntax
// error) makes it give up: it returns undefined and the chevrotain path parses
// the source, so every message still comes from one place. Giving up is
// always safe; accepting must be exact.

import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import { joinSpans, type Span } from '../errors.js';
import type { Expr, KernelFunction, ObjectProperty, Param, Stmt } from './ast.js';
import { spanAt, type SourcePosition } from './cst-access.js';
import * as T from './lexer.js';
import { climbBinary, isAssignOperator, isBinaryOperator, keyText, unescapeString } from './syntax-tables.js';

/** The kernel's AST, or undefined when the source needs the full parser. */
export function fastParseKernel(tokens: readonly IToken[], file: string, position: SourcePosition): KernelFunction | undefined {
  try {
    return new FastParser(tokens, file, position).kernel();
  } catch {
    // GIVE_UP, or anything unexpected (a stack overflow on absurd nesting):
    // the grammar decides, and reports.
    return undefined;
  }
}

/** Thrown (and caught above) wherever the source leaves the subset. */
const GIVE_UP: unique symbol = Symbol('fast-parse: give up');

type DeclKind = 'const' | 'let' | 'var';

class FastParser {
  private pos = 0;

  constructor(
    private readonly tokens: readonly IToken[],
    private readonly file: string,
    private readonly position: SourcePosition,
  ) {}

  // ---- tokens ------------------------------------------------------------------------

  private peek(offset = 0): IToken | undefined {
    return this.tokens[this.pos + offset];
  }

  private is(type: TokenType, offset = 0): boolean {
    const token = this.tokens[this.pos + offset];
    return token !== undefined && token.tokenType === type;
  }

  /** The next token is of `type` or of a type in that category. */
  private isIn(category: TokenType, offset = 0): boolean {
    const token = this.tokens[this.pos + offset];
    return token !== undefined && tokenMatcher(token, category);
  }

  private next(): IToken {
    const token = this.tokens[this.pos];
    if (token === undefined) throw GIVE_UP;
    this.pos++;
    return token;
  }

  private expect(type: TokenType): IToken {
    if (!this.is(type)) throw GIVE_UP;
    return this.next();
  }

  /** The last token consumed (a node's span ends there). */
  private get last(): IToken {
    const token = this.tokens[this.pos - 1];
    if (token === undefined) throw GIVE_UP;
    return token;
  }

  /** The next token starts a line after the last consumed one (the grammar's `nextOnNewLine`). */
  private nextOnNewLine(): boolean {
    const next = this.peek();
    if (next === undefined) return false; // chevrotain's EOF has no line
    const previous = this.last;
    return (next.startLine ?? 0) > (previous.endLine ?? previous.startLine ?? 0);
  }

  private tokenSpan(token: IToken): Span {
    return this.span(token, token);
  }

  /** The span a CST node from `first` to `last` would have. */
  private span(first: IToken, last: IToken): Span {
    if (last.endOffset === undefined || first.startLine === undefined || first.startColumn === undefined) throw GIVE_UP;
    return spanAt(this.file, this.position, first.startOffset, last.endOffset + 1, first.startLine, first.startColumn);
  }

  private spanFrom(first: IToken): Span {
    return this.span(first, this.last);
  }

  // ---- the function -------------------------------------------------------------------

  /** `function name(a, b) { ... }` or `(a, b) => { ... }`, then an optional `;`. */
  kernel(): KernelFunction {
    const first = this.peek();
    if (first === undefined) throw GIVE_UP;
    let name = '';
    if (first.tokenType === T.FunctionKeyword) {
      this.next();
      if (this.isIn(T.Identifier)) name = this.next().image;
    } else if (first.tokenType !== T.LParen || !this.arrowFollows()) throw GIVE_UP;
    const params = this.parameters();
    if (first.tokenType === T.LParen) this.expect(T.Arrow);
    const body = this.block();
    const span = this.spanFrom(first);
    if (this.is(T.Semicolon)) this.next();
    if (this.pos !== this.tokens.length) throw GIVE_UP;
    return { name, params, body, span };
  }

  /** At `(`: its matching `)` is followed by `=>` (a `:` would be a return type: left to the full parser). */
  private arrowFollows(): boolean {
    const close = this.matchingClose();
    return close !== undefined && this.is(T.Arrow, close + 1);
  }

  /** Offset (from the current token, an opening bracket) of the bracket closing it. */
  private matchingClose(): number | undefined {
    let depth = 0;
    for (let i = 0; this.pos + i < this.tokens.length; i++) {
      const type = this.tokens[this.pos + i]?.tokenType;
      if (type === T.LParen || type === T.LBracket || type === T.LCurly) depth++;
      else if ((type === T.RParen || type === T.RBracket || type === T.RCurly) && --depth === 0) return i;
    }
    return undefined;
  }

  private parameters(): Param[] {
    this.expect(T.LParen);
    return this.commaList(T.RParen, () => {
      const name = this.next();
      if (!tokenMatcher(name, T.Identifier)) throw GIVE_UP;
      return { name: name.image, span: this.tokenSpan(name) };
    });
  }

  /** `item (, item)* ,?` then `close` (consumed). */
  private commaList<R>(close: TokenType, item: () => R): R[] {
    const items: R[] = [];
    if (!this.is(close)) {
      items.push(item());
      while (this.is(T.Comma)) {
        this.next();
        if (this.is(close)) break;
        items.push(item());
      }
    }
    this.expect(close);
    return items;
  }

  /** `{ statement* }`: the statements. */
  private block(): Stmt[] {
    this.expect(T.LCurly);
    const body: Stmt[] = [];
    while (!this.is(T.RCurly)) body.push(this.statement());
    this.next();
    return body;
  }

  // ---- statements ----------------------------------------------------------------------

  private statement(): Stmt {
    const first = this.peek();
    if (first === undefined) throw GIVE_UP;
    switch (first.tokenType) {
      case T.LCurly: {
        const body = this.block();
        return { kind: 'block', body, span: this.spanFrom(first) };
      }
      case T.Const:
      case T.Let:
      case T.Var: {
        const declaration = this.declarationList();
        this.statementEnd();
        return { ...declaration, span: this.spanFrom(first) };
      }
      case T.If:
        return this.ifStatement(first);
      case T.For:
        return this.forStatement(first);
      case T.Return: {
        this.next();
        const value = !this.nextOnNewLine() && !this.is(T.Semicolon) && !this.is(T.RCurly) ? this.assignment() : undefined;
        this.statementEnd();
        const span = this.spanFrom(first);
        return value ? { kind: 'return', value, span } : { kind: 'return', span };
      }
      case T.Break:
      case T.Continue: {
        this.next();
        this.statementEnd();
        return { kind: first.tokenType === T.Break ? 'break' : 'continue', span: this.spanFrom(first) };
      }
      case T.Semicolon:
        this.next();
        return { kind: 'empty', span: this.tokenSpan(first) };
      case T.While:
      case T.Do:
        throw GIVE_UP;
      default: {
        const expr = this.assignment();
        this.statementEnd();
        return { kind: 'expression', expr, span: this.spanFrom(first) };
      }
    }
  }

  /** `;`, or nothing before `}`, the end, or a line break (JS automatic semicolon insertion). */
  private statementEnd(): void {
    if (this.is(T.Semicolon)) this.next();
    else if (!(this.is(T.RCurly) || this.pos === this.tokens.length || this.nextOnNewLine())) throw GIVE_UP;
  }

  /** `const a = 1, b = 2` (every declaration initialized when const); the span is the caller's. */
  private declarationList(): { kind: 'declare'; declKind: DeclKind; declarations: { name: string; init?: Expr; span: Span }[] } {
    const keyword = this.next();
    const declKind: DeclKind = keyword.tokenType === T.Const ? 'const' : keyword.tokenType === T.Let ? 'let' : 'var';
    const declarations: { name: string; init?: Expr; span: Span }[] = [];
    do {
      if (declarations.length) this.next(); // the comma
      const nameToken = this.next();
      if (!tokenMatcher(nameToken, T.Identifier)) throw GIVE_UP;
      const name = nameToken.image;
      if (this.is(T.Equals)) {
        this.next();
        const init = this.assignment();
        declarations.push({ name, init, span: this.spanFrom(nameToken) });
      } else {
        if (declKind === 'const') throw GIVE_UP; // reported by the AST builder
        declarations.push({ name, span: this.tokenSpan(nameToken) });
      }
    } while (this.is(T.Comma));
    return { kind: 'declare', declKind, declarations };
  }

  private ifStatement(first: IToken): Stmt {
    this.next();
    this.expect(T.LParen);
    const test = this.assignment();
    this.expect(T.RParen);
    const consequent = this.statement();
    if (!this.is(T.Else)) return { kind: 'if', test, consequent, span: this.spanFrom(first) };
    this.next();
    const alternate = this.statement();
    return { kind: 'if', test, consequent, alternate, span: this.spanFrom(first) };
  }

  private forStatement(first: IToken): Stmt {
    this.next();
    this.expect(T.LParen);
    const declares = this.is(T.Const) || this.is(T.Let) || this.is(T.Var);
    if (declares && this.is(T.Of, 2)) {
      const keyword = this.next();
      const declKind: DeclKind = keyword.tokenType === T.Const ? 'const' : keyword.tokenType === T.Let ? 'let' : 'var';
      const name = this.expect(T.Identifier).image;
      this.expect(T.Of);
      const iterable = this.assignment();
      this.expect(T.RParen);
      const body = this.statement();
      return { kind: 'forOf', declKind, name, iterable, body, span: this.spanFrom(first) };
    }
    if (declares && this.is(T.In, 2)) throw GIVE_UP;
    let init: Stmt | undefined;
    if (!this.is(T.Semicolon)) {
      const start = this.peek();
      if (start === undefined) throw GIVE_UP;
      if (declares) {
        const declaration = this.declarationList();
        init = { ...declaration, span: this.spanFrom(start) };
      } else {
        const expr = this.assignment();
        init = { kind: 'expression', expr, span: this.spanFrom(start) };
      }
    }
    this.expect(T.Semicolon);
    const test = this.is(T.Semicolon) ? undefined : this.assignment();
    this.expect(T.Semicolon);
    const update = this.is(T.RParen) ? undefined : this.assignment();
    this.expect(T.RParen);
    const body = this.statement();
    return {
      kind: 'for',
      ...(init ? { init } : {}),
      ...(test ? { test } : {}),
      ...(update ? { update } : {}),
      body,
      span: this.spanFrom(first),
    };
  }

  // ---- expressions -----------------------------------------------------------------------

  private assignment(): Expr {
    const first = this.peek();
    if (first === undefined) throw GIVE_UP;
    const target = this.conditional();
    if (!this.isIn(T.AssignmentOperator)) return target;
    const op = this.next().image;
    if (!isAssignOperator(op) || !isAssignable(target)) throw GIVE_UP;
    const value = this.assignment();
    return { kind: 'assign', op, target, value, span: this.spanFrom(first) };
  }

  private conditional(): Expr {
    const first = this.peek();
    if (first === undefined) throw GIVE_UP;
    const test = this.binary();
    if (!this.is(T.Question)) return test;
    this.next();
    const consequent = this.assignment();
    this.expect(T.Colon);
    const alternate = this.assignment();
    return { kind: 'conditional', test, consequent, alternate, span: this.spanFrom(first) };
  }

  private binary(): Expr {
    const operands = [this.unary()];
    const operators: IToken[] = [];
    while (this.isIn(T.BinaryOperator)) {
      const operator = this.next();
      if (!isBinaryOperator(operator.image)) throw GIVE_UP;
      operators.push(operator);
      operands.push(this.unary());
    }
    if (operators.length === 0) return operands[0] ?? this.giveUp();
    return climbBinary(operands, operators, binaryNode);
  }

  private unary(): Expr {
    const first = this.peek();
    if (first === undefined) throw GIVE_UP;
    if (this.isIn(T.PrefixOperator)) {
      this.next();
      const operand = this.unary();
      const span = this.spanFrom(first);
      const op = first.image;
      if (op === '-' || op === '+' || op === '!' || op === '~') return { kind: 'unary', op, operand, span };
      if ((op === '++' || op === '--') && isAssignable(operand)) return { kind: 'update', op, prefix: true, target: operand, span };
      throw GIVE_UP; // typeof, void, delete, await; or ++ of something else
    }
    const expr = this.call();
    // `as`/`satisfies` (TypeScript) are left to the full parser.
    if (!this.nextOnNewLine() && (this.is(T.As) || this.is(T.Satisfies))) throw GIVE_UP;
    if (this.nextOnNewLine() || !(this.is(T.PlusPlus) || this.is(T.MinusMinus))) return expr;
    const postfix = this.next();
    if (!isAssignable(expr)) throw GIVE_UP;
    if (!this.nextOnNewLine() && (this.is(T.As) || this.is(T.Satisfies))) throw GIVE_UP;
    const op = postfix.image === '++' ? '++' : '--';
    return { kind: 'update', op, prefix: false, target: expr, span: joinSpans(expr.span, this.tokenSpan(postfix)) };
  }

  private call(): Expr {
    let expr = this.primary();
    for (;;) {
      const first = this.peek();
      if (first === undefined) return expr;
      switch (first.tokenType) {
        case T.Dot: {
          this.next();
          const property = this.next();
          if (!tokenMatcher(property, T.IdentifierName)) throw GIVE_UP;
          expr = { kind: 'member', object: expr, property: property.image, span: joinSpans(expr.span, this.spanFrom(first)) };
          break;
        }
        case T.LBracket: {
          this.next();
          const index = this.assignment();
          this.expect(T.RBracket);
          expr = { kind: 'index', object: expr, index, span: joinSpans(expr.span, this.spanFrom(first)) };
          break;
        }
        case T.LParen: {
          this.next();
          const args = this.commaList(T.RParen, () => this.assignment());
          expr = { kind: 'call', callee: expr, args, span: joinSpans(expr.span, this.spanFrom(first)) };
          break;
        }
        case T.QuestionDot:
        case T.Bang:
          throw GIVE_UP; // optional chaining is reported; `x!` is TypeScript
        default:
          return expr;
      }
    }
  }

  private primary(): Expr {
    const first = this.next();
    const span = this.tokenSpan(first);
    switch (first.tokenType) {
      case T.Identifier:
        if (this.is(T.Arrow)) throw GIVE_UP; // `x => ...`
        return { kind: 'identifier', name: first.image, span };
      case T.NumberLiteral:
        // Legacy octal-like literals are reported by the AST builder.
        if (/^0\d/.test(first.image)) throw GIVE_UP;
        return { kind: 'number', value: Number(first.image.replace(/_/g, '')), raw: first.image, span };
      case T.StringLiteral:
      case T.TemplateLiteral:
        return { kind: 'string', value: unescapeString(first.image.slice(1, -1)), span };
      case T.True:
      case T.False:
        return { kind: 'boolean', value: first.tokenType === T.True, span };
      case T.LParen: {
        this.pos--;
        if (this.arrowOrReturnTypeFollows()) throw GIVE_UP;
        this.pos++;
        const inner = this.assignment();
        this.expect(T.RParen);
        return { ...inner, span: this.spanFrom(first) };
      }
      case T.LBracket: {
        const elements = this.commaList(T.RBracket, () => this.assignment());
        return { kind: 'array', elements, span: this.spanFrom(first) };
      }
      case T.LCurly: {
        const properties = this.commaList(T.RCurly, () => this.property());
        return { kind: 'object', properties, span: this.spanFrom(first) };
      }
      default:
        // function, this, new, contextual keywords used as names, ...
        throw GIVE_UP;
    }
  }

  /**
   * At `(`: an arrow function's parameters rather than a parenthesized
   * expression, decided as the grammar's `arrowAhead` gate does: `) =>`, or
   * `) :` with a `=>` before anything that cannot be in a return type
   * (`c ? (a) : b` is a conditional).
   */
  private arrowOrReturnTypeFollows(): boolean {
    const close = this.matchingClose();
    if (close === undefined) return true; // unbalanced: the grammar reports it
    if (this.is(T.Arrow, close + 1)) return true;
    if (!this.is(T.Colon, close + 1)) return false;
    let depth = 0;
    for (let i = close + 2; this.pos + i < this.tokens.length; i++) {
      const type = this.tokens[this.pos + i]?.tokenType;
      if (type === T.LParen || type === T.LBracket || type === T.LCurly) depth++;
      else if (type === T.RParen || type === T.RBracket || type === T.RCurly) {
        if (depth === 0) return false;
        depth--;
      } else if (depth === 0) {
        if (type === T.Arrow) return true;
        if (type === T.Semicolon || type === T.Comma || type === T.Question || type === T.Equals) return false;
      }
    }
    return false;
  }

  private property(): ObjectProperty {
    const keyToken = this.next();
    const keyType = keyToken.tokenType;
    if (!tokenMatcher(keyToken, T.IdentifierName) && keyType !== T.StringLiteral && keyType !== T.NumberLiteral) throw GIVE_UP;
    const key = keyText(keyToken);
    const keySpan = this.tokenSpan(keyToken);
    if (this.is(T.Colon)) {
      this.next();
      const value = this.assignment();
      return { key, value, span: this.spanFrom(keyToken) };
    }
    // Shorthand `{ mask }`: only a plain identifier can stand for its own value.
    if (!tokenMatcher(keyToken, T.Identifier)) throw GIVE_UP;
    return { key, value: { kind: 'identifier', name: key, span: keySpan }, span: keySpan };
  }

  private giveUp(): never {
    throw GIVE_UP;
  }
}

function binaryNode(operator: IToken, left: Expr, right: Expr): Expr {
  const op = operator.image;
  if (!isBinaryOperator(op)) throw GIVE_UP;
  return { kind: 'binary', op, left, right, span: joinSpans(left.span, right.span) };
}

function isAssignable(expr: Expr): boolean {
  return expr.kind === 'identifier' || expr.kind === 'member' || expr.kind === 'index';
}
