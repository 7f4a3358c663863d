// CST -> AST. Runs only on a CST without syntax errors (a recovered CST has
// holes). Constructs that parse but that kernels cannot use, and that the AST
// has no node for (`**`, `??`, `?.`, `new`, `async`, default parameters...),
// are reported here by name and position; everything else is left to
// lowering. Each visit is wrapped so an unexpected exception becomes an
// 'internal' CompileError at the node being visited, never a bare stack trace.

import { tokenMatcher, type CstChildrenDictionary, type CstNode, type IToken } from 'chevrotain';
import { CompileError, TesseraError, joinSpans, type ErrorKind, type Span } from '../errors.js';
import type { Expr, KernelFunction, ObjectProperty, Param, Stmt } from './ast.js';
import {
  isNode,
  nodes,
  onlyChild,
  onlyElement,
  optionalNode,
  optionalToken,
  requiredNode,
  requiredToken,
  spanAt,
  tokens,
  type SourcePosition,
} from './cst-access.js';
import { Identifier } from './lexer.js';
import { kernelParser } from './parser.js';
import {
  climbBinary,
  isAssignOperator,
  isBinaryOperator,
  keyText,
  unescapeString,
  unsupportedOperatorMessage,
} from './syntax-tables.js';

const BaseVisitor = kernelParser().getBaseCstVisitorConstructorWithDefaults<undefined, unknown>();

export class AstBuilder extends BaseVisitor {
  /** Constructs reported so far; the caller decides whether the AST is usable. */
  readonly errors: CompileError[] = [];

  constructor(
    private readonly file: string,
    private readonly source: string,
    private readonly position: SourcePosition,
    /** The text code frames index into (see parse.ts `frameSource`). */
    private readonly frameSource: string,
  ) {
    super();
  }

  // ---- spans, errors, CST access -------------------------------------------------------

  private span(
    startOffset: number,
    endOffsetInclusive: number,
    line: number,
    column: number,
  ): Span {
    return spanAt(this.file, this.position, startOffset, endOffsetInclusive + 1, line, column);
  }

  private nodeSpan(node: CstNode): Span {
    const { startOffset, endOffset, startLine, startColumn } = node.location ?? {};
    if (
      startOffset === undefined ||
      endOffset === undefined ||
      startLine === undefined ||
      startColumn === undefined
    ) {
      throw new Error(`CST node '${node.name}' has no location`);
    }
    return this.span(startOffset, endOffset, startLine, startColumn);
  }

  private tokenSpan(token: IToken): Span {
    const { startOffset, endOffset, startLine, startColumn } = token;
    if (endOffset === undefined || startLine === undefined || startColumn === undefined) {
      throw new Error(`token '${token.image}' has no location`);
    }
    return this.span(startOffset, endOffset, startLine, startColumn);
  }

  private report(kind: ErrorKind, message: string, span: Span): void {
    this.errors.push(new CompileError(kind, message, span, this.frameSource));
  }

  /** Run `build` for `node`; a non-Tessera exception becomes an internal error at the node. */
  private at<R>(node: CstNode, build: (children: CstChildrenDictionary) => R): R {
    try {
      return build(node.children);
    } catch (error) {
      if (error instanceof TesseraError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      let span: Span | undefined;
      try {
        span = this.nodeSpan(node);
      } catch {
        span = undefined; // no location either: report without one
      }
      throw new CompileError(
        'internal',
        `the frontend failed while building the AST for '${node.name}': ${reason}. This is a Tessera bug; please report it with this kernel.`,
        span,
        this.frameSource,
      );
    }
  }

  // ---- functions -------------------------------------------------------------------------

  kernel(node: CstNode): KernelFunction {
    return this.at(node, (c) => {
      const fn =
        optionalNode(c, 'functionExpression') ??
        optionalNode(c, 'arrowFunction') ??
        requiredNode(c, 'methodDefinition');
      return this.at(fn, (f) => {
        const asyncToken = optionalToken(f, 'Async');
        if (asyncToken) {
          this.report(
            'unsupported',
            'async functions cannot be kernels; remove `async`',
            this.tokenSpan(asyncToken),
          );
        }
        const generator = optionalToken(f, 'generator');
        if (generator) {
          this.report(
            'unsupported',
            'generator functions cannot be kernels; remove the `*`',
            this.tokenSpan(generator),
          );
        }
        const single = optionalToken(f, 'singleParam');
        const params = single
          ? [{ name: single.image, span: this.tokenSpan(single) }]
          : this.parameterList(requiredNode(f, 'parameterList'));
        const expressionBody = optionalNode(f, 'expressionBody');
        const body: Stmt[] = expressionBody
          ? [this.implicitReturn(expressionBody)]
          : this.functionBody(requiredNode(f, 'functionBody'));
        return {
          name: optionalToken(f, 'name')?.image ?? '',
          params,
          body,
          span: this.nodeSpan(fn),
        };
      });
    });
  }

  private implicitReturn(node: CstNode): Stmt {
    const value = this.assignmentExpression(node);
    return { kind: 'return', value, span: value.span };
  }

  private parameterList(node: CstNode): Param[] {
    return this.at(node, (c) => nodes(c, 'parameter').map((p) => this.parameter(p)));
  }

  private parameter(node: CstNode): Param {
    return this.at(node, (c) => {
      const name = requiredToken(c, 'name');
      const rest = optionalToken(c, 'rest');
      if (rest) {
        this.report(
          'unsupported',
          `rest parameters are not supported; declare '${name.image}' as separate parameters`,
          this.tokenSpan(rest),
        );
      }
      const defaultValue = optionalNode(c, 'defaultValue');
      if (defaultValue) {
        this.report(
          'unsupported',
          `default parameter values are not supported; pass '${name.image}' at launch instead`,
          this.nodeSpan(defaultValue),
        );
      }
      const annotation = optionalNode(c, 'typeAnnotation');
      const span = this.nodeSpan(node);
      if (!annotation) return { name: name.image, span };
      return {
        name: name.image,
        typeAnnotation: this.text(requiredNode(annotation.children, 'type')),
        span,
      };
    });
  }

  /** The source text a node covers (types are kept as text only). */
  private text(node: CstNode): string {
    const { startOffset, endOffset } = node.location ?? {};
    if (startOffset === undefined || endOffset === undefined) {
      throw new Error(`CST node '${node.name}' has no location`);
    }
    return this.source.slice(startOffset, endOffset + 1);
  }

  private functionBody(node: CstNode): Stmt[] {
    return this.at(node, (c) => nodes(c, 'statement').map((s) => this.statement(s)));
  }

  // ---- statements -------------------------------------------------------------------------

  private statement(node: CstNode): Stmt {
    return this.at(node, (c) => {
      const [key, inner] = onlyChild(c);
      switch (key) {
        case 'block':
          return this.at(inner, (b) => ({
            kind: 'block',
            body: nodes(b, 'statement').map((s) => this.statement(s)),
            span: this.nodeSpan(inner),
          }));
        case 'variableStatement':
          return this.declaration(
            requiredNode(inner.children, 'variableDeclarationList'),
            this.nodeSpan(inner),
          );
        case 'ifStatement':
          return this.ifStatement(inner);
        case 'forStatement':
          return this.forStatement(inner);
        case 'whileStatement':
        case 'doWhileStatement':
          return { kind: 'while', span: this.nodeSpan(inner) };
        case 'returnStatement':
          return this.at(inner, (r) => {
            const value = optionalNode(r, 'value');
            const span = this.nodeSpan(inner);
            return value
              ? { kind: 'return', value: this.assignmentExpression(value), span }
              : { kind: 'return', span };
          });
        case 'breakStatement':
          return { kind: 'break', span: this.nodeSpan(inner) };
        case 'continueStatement':
          return { kind: 'continue', span: this.nodeSpan(inner) };
        case 'emptyStatement':
          return { kind: 'empty', span: this.nodeSpan(inner) };
        case 'expressionStatement':
          return {
            kind: 'expression',
            expr: this.assignmentExpression(requiredNode(inner.children, 'assignmentExpression')),
            span: this.nodeSpan(inner),
          };
        default:
          throw new Error(`unknown statement form '${key}'`);
      }
    });
  }

  /** `const a = 1, b: T = 2` (the `span` covers the whole statement when there is one). */
  private declaration(node: CstNode, span: Span): Stmt {
    return this.at(node, (c) => {
      const declKind = declarationKind(requiredNode(c, 'declarationKind'));
      const declarations = nodes(c, 'variableDeclarator').map((d) =>
        this.at(d, (dc) => {
          const name = requiredToken(dc, 'name').image;
          const init = optionalNode(dc, 'init');
          const declSpan = this.nodeSpan(d);
          if (init) return { name, init: this.assignmentExpression(init), span: declSpan };
          if (declKind === 'const') {
            this.report(
              'syntax',
              `'const ${name}' needs an initializer: const ${name} = ...`,
              declSpan,
            );
          }
          return { name, span: declSpan };
        }),
      );
      return { kind: 'declare', declKind, declarations, span };
    });
  }

  private ifStatement(node: CstNode): Stmt {
    return this.at(node, (c) => {
      const test = this.assignmentExpression(requiredNode(c, 'test'));
      const consequent = this.statement(requiredNode(c, 'consequent'));
      const alternate = optionalNode(c, 'alternate');
      const span = this.nodeSpan(node);
      return alternate
        ? { kind: 'if', test, consequent, alternate: this.statement(alternate), span }
        : { kind: 'if', test, consequent, span };
    });
  }

  private forStatement(node: CstNode): Stmt {
    return this.at(node, (c) => {
      const span = this.nodeSpan(node);
      const body = this.statement(requiredNode(c, 'body'));
      const ofHead = optionalNode(c, 'forOfHead');
      if (ofHead) {
        return this.at(ofHead, (h) => {
          const inToken = optionalToken(h, 'in');
          if (inToken) {
            this.report(
              'unsupported',
              'for...in loops are not supported; use for (const i of tl.range(n))',
              this.tokenSpan(inToken),
            );
          }
          return {
            kind: 'forOf',
            declKind: declarationKind(requiredNode(h, 'declarationKind')),
            name: requiredToken(h, 'name').image,
            iterable: this.assignmentExpression(requiredNode(h, 'iterable')),
            body,
            span,
          };
        });
      }
      const head = requiredNode(c, 'forClassicHead');
      return this.at(head, (h) => {
        const initList = optionalNode(h, 'init');
        const initExpression = optionalNode(h, 'initExpression');
        const test = optionalNode(h, 'test');
        const update = optionalNode(h, 'update');
        let init: Stmt | undefined;
        if (initList) init = this.declaration(initList, this.nodeSpan(initList));
        else if (initExpression)
          init = {
            kind: 'expression',
            expr: this.assignmentExpression(initExpression),
            span: this.nodeSpan(initExpression),
          };
        return {
          kind: 'for',
          ...(init ? { init } : {}),
          ...(test ? { test: this.assignmentExpression(test) } : {}),
          ...(update ? { update: this.assignmentExpression(update) } : {}),
          body,
          span,
        };
      });
    });
  }

  // ---- expressions -------------------------------------------------------------------------

  private assignmentExpression(node: CstNode): Expr {
    return this.at(node, (c) => {
      const target = this.conditionalExpression(requiredNode(c, 'conditionalExpression'));
      const operator = optionalToken(c, 'operator');
      if (!operator) return target;
      const value = this.assignmentExpression(requiredNode(c, 'value'));
      const span = this.nodeSpan(node);
      const op = operator.image;
      if (!isAssignOperator(op)) {
        this.report(
          'unsupported',
          unsupportedOperatorMessage(operator.image),
          this.tokenSpan(operator),
        );
        return value;
      }
      if (!isAssignable(target)) {
        this.report(
          'syntax',
          'invalid assignment target: only a variable, `a.b` or `a[i]` can be assigned',
          target.span,
        );
      }
      return { kind: 'assign', op, target, value, span };
    });
  }

  private conditionalExpression(node: CstNode): Expr {
    return this.at(node, (c) => {
      const test = this.binaryExpression(requiredNode(c, 'binaryExpression'));
      const consequent = optionalNode(c, 'consequent');
      if (!consequent) return test;
      return {
        kind: 'conditional',
        test,
        consequent: this.assignmentExpression(consequent),
        alternate: this.assignmentExpression(requiredNode(c, 'alternate')),
        span: this.nodeSpan(node),
      };
    });
  }

  /** Precedence climbing over the flat `operand (operator operand)*` list. */
  private binaryExpression(node: CstNode): Expr {
    return this.at(node, (c) => {
      const operands = nodes(c, 'operand').map((o) => this.unaryExpression(o));
      const operators = tokens(c, 'operator');
      return climbBinary(operands, operators, (op, left, right) => this.binary(op, left, right));
    });
  }

  private binary(operator: IToken, left: Expr, right: Expr): Expr {
    const op = operator.image;
    if (!isBinaryOperator(op)) {
      this.report(
        'unsupported',
        unsupportedOperatorMessage(operator.image),
        this.tokenSpan(operator),
      );
      return left;
    }
    return { kind: 'binary', op, left, right, span: joinSpans(left.span, right.span) };
  }

  private unaryExpression(node: CstNode): Expr {
    return this.at(node, (c) => {
      const operator = optionalToken(c, 'operator');
      if (!operator) {
        const expr = this.callExpression(requiredNode(c, 'callExpression'));
        const postfix = optionalToken(c, 'postfix');
        if (!postfix) return expr;
        const op = postfix.image === '++' ? '++' : '--';
        return this.update(op, false, expr, joinSpans(expr.span, this.tokenSpan(postfix)));
      }
      const operand = this.unaryExpression(requiredNode(c, 'operand'));
      const span = this.nodeSpan(node);
      const op = operator.image;
      if (op === '-' || op === '+' || op === '!' || op === '~') {
        return { kind: 'unary', op, operand, span };
      }
      if (op === '++' || op === '--') return this.update(op, true, operand, span);
      this.report('unsupported', `'${op}' is not supported in kernels`, this.tokenSpan(operator));
      return operand;
    });
  }

  private update(op: '++' | '--', prefix: boolean, target: Expr, span: Span): Expr {
    if (!isAssignable(target)) {
      this.report(
        'syntax',
        `invalid target for '${op}': only a variable, \`a.b\` or \`a[i]\` can be updated`,
        target.span,
      );
    }
    return { kind: 'update', op, prefix, target, span };
  }

  private callExpression(node: CstNode): Expr {
    return this.at(node, (c) => {
      let expr = this.primaryExpression(requiredNode(c, 'primaryExpression'));
      for (const suffix of nodes(c, 'callSuffix')) expr = this.callSuffix(suffix, expr);
      return expr;
    });
  }

  private callSuffix(node: CstNode, object: Expr): Expr {
    return this.at(node, (c) => {
      const span = joinSpans(object.span, this.nodeSpan(node));
      if (optionalToken(c, 'nonNull')) return object; // TypeScript's `x!` has no runtime meaning
      const optional = optionalToken(c, 'optional');
      if (optional) {
        this.report(
          'unsupported',
          "optional chaining ('?.') is not supported in kernels; use '.'",
          this.tokenSpan(optional),
        );
      }
      const property = optionalToken(c, 'property');
      if (property) return { kind: 'member', object, property: property.image, span };
      const index = optionalNode(c, 'indexSuffix');
      if (index) {
        const value = this.assignmentExpression(
          requiredNode(index.children, 'assignmentExpression'),
        );
        return { kind: 'index', object, index: value, span };
      }
      const args = requiredNode(c, 'arguments');
      return {
        kind: 'call',
        callee: object,
        args: nodes(args.children, 'argument').map((a) => this.assignmentExpression(a)),
        span,
      };
    });
  }

  private primaryExpression(node: CstNode): Expr {
    return this.at(node, (c) => {
      const [key, element] = onlyElement(c);
      const span = isNode(element) ? this.nodeSpan(element) : this.tokenSpan(element);
      if (!isNode(element)) {
        const image = element.image;
        switch (key) {
          case 'Identifier':
            return { kind: 'identifier', name: image, span };
          case 'NumberLiteral':
            // `017` is octal in sloppy JavaScript and an error in TypeScript and
            // strict mode; reading it as 17 would silently differ from both.
            if (/^0\d/.test(image))
              this.report('syntax', `legacy octal-like literal '${image}' is not allowed; write 0o${image.slice(1)} for octal or drop the leading zero`, span);
            return { kind: 'number', value: Number(image.replace(/_/g, '')), raw: image, span };
          case 'StringLiteral':
          case 'TemplateLiteral':
            return { kind: 'string', value: unescapeString(image.slice(1, -1)), span };
          case 'True':
          case 'False':
            return { kind: 'boolean', value: key === 'True', span };
          case 'This':
            this.report(
              'unsupported',
              "'this' is not available in kernels; pass the value as a parameter",
              span,
            );
            return { kind: 'identifier', name: 'this', span };
          default:
            throw new Error(`unknown primary token '${key}'`);
        }
      }
      switch (key) {
        case 'arrowFunction':
        case 'functionExpression':
          return { kind: 'function', span }; // lowering rejects closures by name
        case 'parenthesizedExpression': {
          // The span grows to include the parentheses, so `(a + b) * c` underlines from `(`.
          const inner = this.assignmentExpression(
            requiredNode(element.children, 'assignmentExpression'),
          );
          return { ...inner, span };
        }
        case 'arrayLiteral':
          return {
            kind: 'array',
            elements: nodes(element.children, 'element').map((e) => this.assignmentExpression(e)),
            span,
          };
        case 'objectLiteral':
          return {
            kind: 'object',
            properties: nodes(element.children, 'property').map((p) => this.property(p)),
            span,
          };
        case 'newExpression':
          this.report(
            'unsupported',
            "'new' is not supported in kernels: kernels cannot create objects",
            span,
          );
          return this.callExpression(requiredNode(element.children, 'callExpression'));
        default:
          throw new Error(`unknown primary expression '${key}'`);
      }
    });
  }

  private property(node: CstNode): ObjectProperty {
    return this.at(node, (c) => {
      const keyToken = requiredToken(c, 'key');
      const span = this.nodeSpan(node);
      const keySpan = this.tokenSpan(keyToken);
      const key = keyText(keyToken);
      const value = optionalNode(c, 'value');
      if (value) return { key, value: this.assignmentExpression(value), span };
      // Shorthand `{ mask }`: only a plain identifier can stand for its own value.
      if (!tokenMatcher(keyToken, Identifier)) {
        this.report('syntax', `expected ':' after the property name '${key}'`, keySpan);
      }
      return { key, value: { kind: 'identifier', name: key, span: keySpan }, span };
    });
  }
}

// ---- helpers ----------------------------------------------------------------------------

function declarationKind(node: CstNode): 'const' | 'let' | 'var' {
  const image = requiredToken(node.children, 'keyword').image;
  if (image === 'const' || image === 'let' || image === 'var') return image;
  throw new Error(`unknown declaration keyword '${image}'`);
}

function isAssignable(expr: Expr): boolean {
  return expr.kind === 'identifier' || expr.kind === 'member' || expr.kind === 'index';
}
