// Grammar-only chevrotain parser for kernel sources. It builds a CST and
// nothing else; `to-ast.ts` turns the CST into the AST. The grammar accepts
// more than kernels may use (closures, `**`, `?.`, `new`, while loops, TS type
// annotations) so that later phases can reject those with a precise message
// instead of a generic "unexpected token".
//
// Binary operators are parsed as a flat list (`operand (op operand)*`); the
// AST builder applies JavaScript precedence. That keeps the grammar short and
// the CST shallow.

import {
  EOF,
  EMPTY_ALT,
  tokenLabel,
  type DSLMethodOpts,
  type IOrAlt,
  type IToken,
  type OrMethodOpts,
  type TokenType,
} from 'chevrotain';
import * as T from './lexer.js';
import { TypeGrammar } from './type-grammar.js';

export class KernelParser extends TypeGrammar {
  // The alternatives of ORs and the bodies of OPTIONs and MANYs on the paths
  // every statement and expression takes are built once per parser, as fields
  // below their rules (chevrotain's documented optimization: an inline literal
  // is re-allocated on every invocation, and each closure in it is a new
  // function object; under tsx/esbuild's keepNames each one also costs a
  // defineProperty call for its name).

  constructor() {
    super();
    this.performSelfAnalysis();
  }

  /** Parse a token vector; `errors` holds what went wrong. */
  parseKernel(tokens: IToken[]) {
    this.resetTypeState();
    this.input = tokens;
    return this.kernel();
  }

  // ---- lookahead helpers used by gates (run only at parse time) -----------------

  /** JS automatic semicolon insertion: allowed before `}`, at the end, or at a line break. */
  private semicolonMayBeOmitted(): boolean {
    return this.is(1, T.RCurly) || this.is(1, EOF) || this.nextOnNewLine();
  }

  private functionAhead(): boolean {
    return this.is(1, T.FunctionKeyword) || (this.is(1, T.Async) && this.is(2, T.FunctionKeyword));
  }

  /** `name(` or `name<T>(`, optionally after `async`. */
  private methodAhead(): boolean {
    const opens = (i: number) => this.is(i, T.LParen) || this.is(i, T.Less);
    if (this.is(1, T.Async) && this.is(2, T.IdentifierName) && opens(3)) return true;
    return this.is(1, T.IdentifierName) && opens(2);
  }

  /**
   * Does an arrow function start here? `x =>`, `async x =>`, `(...) =>` or
   * `(...): T =>`. A parenthesized expression looks the same up to its `)`,
   * so scan to the matching paren (chevrotain's fixed lookahead cannot).
   */
  private arrowAhead(): boolean {
    let i = 1;
    if (
      this.is(1, T.Async) &&
      (this.is(2, T.LParen) || (this.is(2, T.Identifier) && this.is(3, T.Arrow)))
    )
      i = 2;
    if (this.is(i, T.Identifier)) return this.is(i + 1, T.Arrow);
    if (!this.is(i, T.LParen)) return false;
    const close = this.matchingClose(i);
    if (close === undefined) return false;
    if (this.is(close + 1, T.Arrow)) return true;
    if (!this.is(close + 1, T.Colon)) return false;
    // A return type: look for `=>` before anything that cannot be in a type.
    let depth = 0;
    for (let j = close + 2; !this.is(j, EOF); j++) {
      if (this.isOpen(j)) depth++;
      else if (this.isClose(j)) {
        if (depth === 0) return false;
        depth--;
      } else if (depth === 0) {
        if (this.is(j, T.Arrow)) return true;
        if (
          this.is(j, T.Semicolon) ||
          this.is(j, T.Comma) ||
          this.is(j, T.Question) ||
          this.is(j, T.Equals)
        ) {
          return false;
        }
      }
    }
    return false;
  }

  private isOpen(i: number): boolean {
    return this.is(i, T.LParen) || this.is(i, T.LBracket) || this.is(i, T.LCurly);
  }

  private isClose(i: number): boolean {
    return this.is(i, T.RParen) || this.is(i, T.RBracket) || this.is(i, T.RCurly);
  }

  /** Index (for LA) of the bracket closing the one at `open`, if any. */
  private matchingClose(open: number): number | undefined {
    let depth = 0;
    for (let j = open; !this.is(j, EOF); j++) {
      if (this.isOpen(j)) depth++;
      else if (this.isClose(j) && --depth === 0) return j;
    }
    return undefined;
  }

  /**
   * `item (, item)* ,?` up to (not including) `close`. Shaped so that the token
   * after the loop is `close` itself: with recovery enabled, chevrotain computes
   * follow sets at every loop exit where the next token is not the one the
   * grammar expects after the loop (with a trailing `OPTION(',')` that would be
   * every list). Occurrence index 9 keeps clear of the calling rule's own DSL calls.
   */
  private commaList(close: TokenType, what: string, first: () => void, rest: () => void): () => void {
    const next: OrMethodOpts<unknown> = {
      ERR_MSG: `${what} or ${tokenLabel(close)}`,
      DEF: [{ ALT: rest }, { GATE: () => this.is(1, close), ALT: EMPTY_ALT() }],
    };
    const more = (): void => {
      this.CONSUME9(T.Comma);
      this.OR9(next);
    };
    const items = (): void => {
      first();
      this.MANY9(more);
    };
    return () => this.OPTION9(items);
  }

  // ---- entry -----------------------------------------------------------------------------

  /** One function: declaration/expression, arrow, or method shorthand (`fn.toString()` of a method). */
  public kernel = this.RULE('kernel', () => {
    this.OR({
      ERR_MSG: 'a kernel function (`function name(...) { ... }` or `(...) => { ... }`)',
      DEF: [
        { GATE: () => this.functionAhead(), ALT: () => this.SUBRULE(this.functionExpression) },
        { GATE: () => this.arrowAhead(), ALT: () => this.SUBRULE(this.arrowFunction) },
        { GATE: () => this.methodAhead(), ALT: () => this.SUBRULE(this.methodDefinition) },
      ],
      IGNORE_AMBIGUITIES: true,
    });
    this.OPTION(() => this.CONSUME(T.Semicolon)); // `(a) => {...};` as emitted by transpilers
  });

  public functionExpression = this.RULE('functionExpression', () => {
    this.OPTION(() => this.CONSUME(T.Async));
    this.CONSUME(T.FunctionKeyword);
    this.OPTION2(() => this.CONSUME(T.Star, { LABEL: 'generator' }));
    this.OPTION3(() => this.CONSUME(T.Identifier, { LABEL: 'name' }));
    this.OPTION5(() => this.SUBRULE(this.typeParameters));
    this.SUBRULE(this.parameterList);
    this.OPTION4(() => this.SUBRULE(this.typeAnnotation, { LABEL: 'returnType' }));
    this.SUBRULE(this.functionBody);
  });

  public methodDefinition = this.RULE('methodDefinition', () => {
    this.OPTION({ GATE: () => !this.is(2, T.LParen), DEF: () => this.CONSUME(T.Async) });
    this.CONSUME(T.IdentifierName, { LABEL: 'name' });
    this.OPTION3(() => this.SUBRULE(this.typeParameters));
    this.SUBRULE(this.parameterList);
    this.OPTION2(() => this.SUBRULE(this.typeAnnotation, { LABEL: 'returnType' }));
    this.SUBRULE(this.functionBody);
  });

  public arrowFunction = this.RULE('arrowFunction', () => {
    // `async => 1` is an arrow whose parameter is named async.
    this.OPTION({ GATE: () => !this.is(2, T.Arrow), DEF: () => this.CONSUME(T.Async) });
    this.OR([
      { ALT: () => this.CONSUME(T.Identifier, { LABEL: 'singleParam' }) },
      { ALT: () => this.SUBRULE(this.parameterList) },
    ]);
    this.OPTION2(() => this.SUBRULE(this.typeAnnotation, { LABEL: 'returnType' }));
    this.CONSUME(T.Arrow, { ERR_MSG: "expected '=>' after the arrow function's parameters" });
    this.OR2({
      DEF: [
        { ALT: () => this.SUBRULE(this.functionBody) },
        { ALT: () => this.SUBRULE(this.assignmentExpression, { LABEL: 'expressionBody' }) },
      ],
      IGNORE_AMBIGUITIES: true, // `=> {` is always a body, as in JS
    });
  });

  public parameterList = this.RULE('parameterList', () => {
    this.CONSUME(T.LParen, { ERR_MSG: "expected '(' to start the parameter list" });
    this.parameters();
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the parameter list" });
  });

  private readonly parameters = this.commaList(
    T.RParen,
    'a parameter',
    () => this.SUBRULE(this.parameter),
    () => this.SUBRULE2(this.parameter),
  );

  public parameter = this.RULE('parameter', () => {
    this.OPTION(() => this.CONSUME(T.DotDotDot, { LABEL: 'rest' }));
    this.CONSUME(T.Identifier, { LABEL: 'name', ERR_MSG: 'expected a parameter name' });
    this.OPTION2(() => this.CONSUME(T.Question));
    this.OPTION3(() => this.SUBRULE(this.typeAnnotation));
    this.OPTION4(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.assignmentExpression, { LABEL: 'defaultValue' });
    });
  });

  public functionBody = this.RULE('functionBody', () => {
    this.CONSUME(T.LCurly, { ERR_MSG: "expected '{' to start the function body" });
    this.MANY(this.oneStatement);
    this.CONSUME(T.RCurly, { ERR_MSG: "expected '}' to close the function body" });
  });

  // ---- statements --------------------------------------------------------------------

  public statement = this.RULE('statement', () => {
    this.OR(this.statementAlternatives);
  });

  private readonly statementAlternatives: OrMethodOpts<unknown> = {
    ERR_MSG: 'a statement',
    IGNORE_AMBIGUITIES: true, // `{` starts a block, never an object literal
    // The first token decides. With deeper lookahead, `{ n` newline `n` (a
    // block whose first statement ends by a line break) matched no
    // alternative's token paths and was rejected as "expected a statement".
    MAX_LOOKAHEAD: 1,
    DEF: [
      { ALT: () => this.SUBRULE(this.block) },
      { ALT: () => this.SUBRULE(this.variableStatement) },
      { ALT: () => this.SUBRULE(this.ifStatement) },
      { ALT: () => this.SUBRULE(this.forStatement) },
      { ALT: () => this.SUBRULE(this.whileStatement) },
      { ALT: () => this.SUBRULE(this.doWhileStatement) },
      { ALT: () => this.SUBRULE(this.returnStatement) },
      { ALT: () => this.SUBRULE(this.breakStatement) },
      { ALT: () => this.SUBRULE(this.continueStatement) },
      { ALT: () => this.SUBRULE(this.emptyStatement) },
      { ALT: () => this.SUBRULE(this.expressionStatement) },
    ],
  };

  /** `;` or a place where JS automatic semicolon insertion applies. */
  public statementEnd = this.RULE('statementEnd', () => {
    this.OR(this.statementEndAlternatives);
  });

  private readonly statementEndAlternatives: OrMethodOpts<unknown> = {
    ERR_MSG: "';' or a line break between statements",
    DEF: [
      { ALT: () => this.CONSUME(T.Semicolon) },
      { GATE: () => this.semicolonMayBeOmitted(), ALT: EMPTY_ALT() },
    ],
  };

  public block = this.RULE('block', () => {
    this.CONSUME(T.LCurly);
    this.MANY(this.oneStatement);
    this.CONSUME(T.RCurly, { ERR_MSG: "expected '}' to close the block" });
  });

  private readonly oneStatement = (): void => {
    this.SUBRULE(this.statement);
  };

  public variableStatement = this.RULE('variableStatement', () => {
    this.SUBRULE(this.variableDeclarationList);
    this.SUBRULE(this.statementEnd);
  });

  public variableDeclarationList = this.RULE('variableDeclarationList', () => {
    this.SUBRULE(this.declarationKind);
    this.SUBRULE(this.variableDeclarator);
    this.MANY(this.moreDeclarators);
  });

  private readonly moreDeclarators = (): void => {
    this.CONSUME(T.Comma);
    this.SUBRULE2(this.variableDeclarator);
  };

  public declarationKind = this.RULE('declarationKind', () => {
    this.OR(this.declarationKeywords);
  });

  private readonly declarationKeywords: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.Const, { LABEL: 'keyword' }) },
    { ALT: () => this.CONSUME(T.Let, { LABEL: 'keyword' }) },
    { ALT: () => this.CONSUME(T.Var, { LABEL: 'keyword' }) },
  ];

  public variableDeclarator = this.RULE('variableDeclarator', () => {
    this.CONSUME(T.Identifier, {
      LABEL: 'name',
      ERR_MSG: 'expected a variable name (destructuring is not supported)',
    });
    this.OPTION(this.definiteAssignment); // TS definite assignment `let x!: T`
    this.OPTION2(this.declaredType);
    this.OPTION3(this.initializer);
  });

  private readonly definiteAssignment = (): void => {
    this.CONSUME(T.Bang);
  };

  private readonly declaredType = (): void => {
    this.SUBRULE(this.typeAnnotation);
  };

  private readonly initializer = (): void => {
    this.CONSUME(T.Equals);
    this.SUBRULE(this.assignmentExpression, { LABEL: 'init' });
  };

  public ifStatement = this.RULE('ifStatement', () => {
    this.CONSUME(T.If);
    this.CONSUME(T.LParen, { ERR_MSG: "expected '(' after 'if'" });
    this.SUBRULE(this.assignmentExpression, { LABEL: 'test' });
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the if condition" });
    this.SUBRULE(this.statement, { LABEL: 'consequent' });
    // Greedy: a dangling `else` belongs to the nearest `if`, as in JS.
    this.OPTION(this.elseBranch);
  });

  private readonly elseBranch = (): void => {
    this.CONSUME(T.Else);
    this.SUBRULE2(this.statement, { LABEL: 'alternate' });
  };

  public forStatement = this.RULE('forStatement', () => {
    this.CONSUME(T.For);
    this.CONSUME(T.LParen, { ERR_MSG: "expected '(' after 'for'" });
    this.OR(this.loopHeads);
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the for header" });
    this.SUBRULE(this.statement, { LABEL: 'body' });
  });

  private readonly loopHeads: OrMethodOpts<unknown> = {
    ERR_MSG: 'a loop header (`let i = 0; i < n; i++` or `const i of ...`)',
    DEF: [
      { ALT: () => this.SUBRULE(this.forOfHead) },
      { ALT: () => this.SUBRULE(this.forClassicHead) },
    ],
  };

  /** `const i of xs`; `in` is parsed only to be rejected by name. */
  public forOfHead = this.RULE('forOfHead', () => {
    this.SUBRULE(this.declarationKind);
    this.CONSUME(T.Identifier, { LABEL: 'name' });
    this.OR([
      { ALT: () => this.CONSUME(T.Of, { LABEL: 'of' }) },
      { ALT: () => this.CONSUME(T.In, { LABEL: 'in' }) },
    ]);
    this.SUBRULE(this.assignmentExpression, { LABEL: 'iterable' });
  });

  public forClassicHead = this.RULE('forClassicHead', () => {
    this.OPTION(this.loopInit);
    this.CONSUME(T.Semicolon, { ERR_MSG: "expected ';' after the for loop's initializer" });
    this.OPTION2(this.loopTest);
    this.CONSUME2(T.Semicolon, { ERR_MSG: "expected ';' after the for loop's condition" });
    this.OPTION3(this.loopUpdate);
  });

  private readonly loopInitAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.SUBRULE(this.variableDeclarationList, { LABEL: 'init' }) },
    { ALT: () => this.SUBRULE(this.assignmentExpression, { LABEL: 'initExpression' }) },
  ];

  private readonly loopInit = (): void => {
    this.OR(this.loopInitAlternatives);
  };

  private readonly loopTest = (): void => {
    this.SUBRULE2(this.assignmentExpression, { LABEL: 'test' });
  };

  private readonly loopUpdate = (): void => {
    this.SUBRULE3(this.assignmentExpression, { LABEL: 'update' });
  };

  /** Parsed only so that lowering can reject `while` with a clear message. */
  public whileStatement = this.RULE('whileStatement', () => {
    this.CONSUME(T.While);
    this.CONSUME(T.LParen, { ERR_MSG: "expected '(' after 'while'" });
    this.SUBRULE(this.assignmentExpression);
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the while condition" });
    this.SUBRULE(this.statement);
  });

  public doWhileStatement = this.RULE('doWhileStatement', () => {
    this.CONSUME(T.Do);
    this.SUBRULE(this.statement);
    this.CONSUME(T.While, { ERR_MSG: "expected 'while' after the body of 'do'" });
    this.CONSUME(T.LParen, { ERR_MSG: "expected '(' after 'while'" });
    this.SUBRULE(this.assignmentExpression);
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the while condition" });
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  public returnStatement = this.RULE('returnStatement', () => {
    this.CONSUME(T.Return);
    this.OPTION(this.returnValue);
    this.SUBRULE(this.statementEnd);
  });

  // `return` followed by a line break returns nothing (JS ASI).
  private readonly returnValue: DSLMethodOpts<unknown> = {
    GATE: () => !this.nextOnNewLine() && !this.is(1, T.Semicolon) && !this.is(1, T.RCurly),
    DEF: () => this.SUBRULE(this.assignmentExpression, { LABEL: 'value' }),
  };

  public breakStatement = this.RULE('breakStatement', () => {
    this.CONSUME(T.Break);
    this.SUBRULE(this.statementEnd);
  });

  public continueStatement = this.RULE('continueStatement', () => {
    this.CONSUME(T.Continue);
    this.SUBRULE(this.statementEnd);
  });

  public emptyStatement = this.RULE('emptyStatement', () => {
    this.CONSUME(T.Semicolon);
  });

  public expressionStatement = this.RULE('expressionStatement', () => {
    this.SUBRULE(this.assignmentExpression);
    this.SUBRULE(this.statementEnd);
  });

  // ---- expressions --------------------------------------------------------------------

  /** No comma operator: every expression is an assignment expression. */
  public assignmentExpression = this.RULE('assignmentExpression', () => {
    this.SUBRULE(this.conditionalExpression);
    this.OPTION(this.assignedValue);
  });

  private readonly assignedValue = (): void => {
    this.CONSUME(T.AssignmentOperator, { LABEL: 'operator' });
    this.SUBRULE(this.assignmentExpression, { LABEL: 'value' }); // right-associative
  };

  public conditionalExpression = this.RULE('conditionalExpression', () => {
    this.SUBRULE(this.binaryExpression);
    this.OPTION(this.conditionalBranches);
  });

  private readonly conditionalBranches = (): void => {
    this.CONSUME(T.Question);
    this.SUBRULE(this.assignmentExpression, { LABEL: 'consequent' });
    this.CONSUME(T.Colon, { ERR_MSG: "expected ':' in the conditional expression" });
    this.SUBRULE2(this.assignmentExpression, { LABEL: 'alternate' });
  };

  public binaryExpression = this.RULE('binaryExpression', () => {
    this.SUBRULE(this.unaryExpression, { LABEL: 'operand' });
    this.MANY(this.binaryTail);
  });

  private readonly binaryTail = (): void => {
    this.CONSUME(T.BinaryOperator, { LABEL: 'operator' });
    this.SUBRULE2(this.unaryExpression, { LABEL: 'operand' });
  };

  /**
   * A prefix operator, or `a.b[c](d)` with an optional postfix `++`/`--` and
   * any `as T` / `satisfies T`. For `as` the placement cannot change the AST:
   * the type is dropped, as tsc and esbuild do, so `-x as T` and `-(x as T)`
   * are the same tree.
   */
  public unaryExpression = this.RULE('unaryExpression', () => {
    this.OR(this.unaryAlternatives);
  });

  private readonly postfixOperators: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.PlusPlus, { LABEL: 'postfix' }) },
    { ALT: () => this.CONSUME(T.MinusMinus, { LABEL: 'postfix' }) },
  ];

  // `x\n++y` is `x; ++y` in JS, so a postfix operator must be on the same line.
  private readonly postfix: DSLMethodOpts<unknown> = {
    GATE: () => !this.nextOnNewLine(),
    DEF: () => this.OR2(this.postfixOperators),
  };

  private readonly assertionKeywords: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME(T.As) },
    { ALT: () => this.CONSUME(T.Satisfies) },
  ];

  private readonly typeAssertions: DSLMethodOpts<unknown> = {
    GATE: () => !this.nextOnNewLine(),
    DEF: () => {
      this.OR3(this.assertionKeywords);
      this.SUBRULE(this.type);
    },
  };

  private readonly unaryAlternatives: OrMethodOpts<unknown> = {
    ERR_MSG: 'an expression',
    DEF: [
      {
        ALT: () => {
          this.CONSUME(T.PrefixOperator, { LABEL: 'operator' });
          this.SUBRULE(this.unaryExpression, { LABEL: 'operand' });
        },
      },
      {
        ALT: () => {
          this.SUBRULE(this.callExpression);
          this.OPTION(this.postfix);
          this.MANY(this.typeAssertions);
        },
      },
    ],
  };

  /** The loop ends the rule: see `commaList` on why that matters for speed. */
  public callExpression = this.RULE('callExpression', () => {
    this.SUBRULE(this.primaryExpression);
    this.MANY(this.oneCallSuffix);
  });

  private readonly oneCallSuffix = (): void => {
    this.SUBRULE(this.callSuffix);
  };

  /** One link of `a.b[c](d)!`; a subrule so the links stay in source order in the CST. */
  public callSuffix = this.RULE('callSuffix', () => {
    this.OR(this.callSuffixAlternatives);
  });

  private readonly optionalChainAlternatives: IOrAlt<unknown>[] = [
    { ALT: () => this.CONSUME2(T.IdentifierName, { LABEL: 'property' }) },
    { ALT: () => this.SUBRULE(this.arguments) },
    { ALT: () => this.SUBRULE(this.indexSuffix) },
  ];

  private readonly callSuffixAlternatives: IOrAlt<unknown>[] = [
    {
      ALT: () => {
        this.CONSUME(T.Dot);
        this.CONSUME(T.IdentifierName, {
          LABEL: 'property',
          ERR_MSG: "expected a property name after '.'",
        });
      },
    },
    {
      ALT: () => {
        this.CONSUME(T.QuestionDot, { LABEL: 'optional' });
        this.OR2(this.optionalChainAlternatives);
      },
    },
    { ALT: () => this.SUBRULE2(this.indexSuffix) },
    { ALT: () => this.SUBRULE2(this.arguments) },
    // TS non-null assertion `x!`; dropped. Same line only, as in TypeScript.
    {
      GATE: () => !this.nextOnNewLine(),
      ALT: () => this.CONSUME(T.Bang, { LABEL: 'nonNull' }),
    },
  ];

  public indexSuffix = this.RULE('indexSuffix', () => {
    this.CONSUME(T.LBracket);
    this.SUBRULE(this.assignmentExpression);
    this.CONSUME(T.RBracket, { ERR_MSG: "expected ']' to close the index" });
  });

  public arguments = this.RULE('arguments', () => {
    this.CONSUME(T.LParen);
    this.argumentList();
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the argument list" });
  });

  private readonly argumentList = this.commaList(
    T.RParen,
    'an argument',
    () => this.SUBRULE(this.assignmentExpression, { LABEL: 'argument' }),
    () => this.SUBRULE2(this.assignmentExpression, { LABEL: 'argument' }),
  );

  public primaryExpression = this.RULE('primaryExpression', () => {
    this.OR(this.primaryAlternatives);
  });

  private readonly primaryAlternatives: OrMethodOpts<unknown> = {
    ERR_MSG: 'an expression',
    IGNORE_AMBIGUITIES: true, // arrows vs parentheses/identifiers are settled by the gates
    DEF: [
      { GATE: () => this.arrowAhead(), ALT: () => this.SUBRULE(this.arrowFunction) },
      { GATE: () => this.functionAhead(), ALT: () => this.SUBRULE(this.functionExpression) },
      { ALT: () => this.SUBRULE(this.parenthesizedExpression) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.TemplateLiteral) },
      { ALT: () => this.CONSUME(T.True) },
      { ALT: () => this.CONSUME(T.False) },
      { ALT: () => this.CONSUME(T.This) },
      { ALT: () => this.SUBRULE(this.arrayLiteral) },
      { ALT: () => this.SUBRULE(this.objectLiteral) },
      { ALT: () => this.SUBRULE(this.newExpression) },
    ],
  };

  public parenthesizedExpression = this.RULE('parenthesizedExpression', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.assignmentExpression);
    this.CONSUME(T.RParen, { ERR_MSG: "expected ')' to close the parenthesized expression" });
  });

  /** Parsed only to be rejected by name. */
  public newExpression = this.RULE('newExpression', () => {
    this.CONSUME(T.New);
    this.SUBRULE(this.callExpression);
  });

  public arrayLiteral = this.RULE('arrayLiteral', () => {
    this.CONSUME(T.LBracket);
    this.elementList();
    this.CONSUME(T.RBracket, { ERR_MSG: "expected ']' to close the array literal" });
  });

  private readonly elementList = this.commaList(
    T.RBracket,
    'an array element',
    () => this.SUBRULE(this.assignmentExpression, { LABEL: 'element' }),
    () => this.SUBRULE2(this.assignmentExpression, { LABEL: 'element' }),
  );

  public objectLiteral = this.RULE('objectLiteral', () => {
    this.CONSUME(T.LCurly);
    this.propertyList();
    this.CONSUME(T.RCurly, { ERR_MSG: "expected '}' to close the object literal" });
  });

  private readonly propertyList = this.commaList(
    T.RCurly,
    'a property',
    () => this.SUBRULE(this.property),
    () => this.SUBRULE2(this.property),
  );

  /** `key: value` or the shorthand `key` (checked to be an identifier by the AST builder). */
  public property = this.RULE('property', () => {
    this.OR(this.propertyKeys);
    this.OPTION(this.propertyValue);
  });

  private readonly propertyKeys: OrMethodOpts<unknown> = {
    ERR_MSG: 'a property name',
    DEF: [
      { ALT: () => this.CONSUME(T.IdentifierName, { LABEL: 'key' }) },
      { ALT: () => this.CONSUME(T.StringLiteral, { LABEL: 'key' }) },
      { ALT: () => this.CONSUME(T.NumberLiteral, { LABEL: 'key' }) },
    ],
  };

  private readonly propertyValue = (): void => {
    this.CONSUME(T.Colon);
    this.SUBRULE(this.assignmentExpression, { LABEL: 'value' });
  };
}

/** The parser is stateless between parses, and self-analysis is slow: share one. */
let shared: KernelParser | undefined;
export function kernelParser(): KernelParser {
  shared ??= new KernelParser();
  return shared;
}
