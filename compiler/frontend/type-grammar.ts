// The TypeScript type-annotation part of the grammar, and the lookahead
// helpers that the gates of both grammar layers use. Types are recognized and
// skipped: the AST keeps only their source text (a kernel must survive type
// stripping, so nothing may depend on them). `KernelParser` extends this class;
// chevrotain supports grammar inheritance as long as only the most derived
// class calls `performSelfAnalysis`.

import { CstParser, tokenMatcher, type TokenType } from 'chevrotain';
import * as T from './lexer.js';
import { parserErrorMessages } from './parser-messages.js';

export class TypeGrammar extends CstParser {
  /**
   * `A<B<C>>` lexes its close as one `>>` token: the inner type-argument list
   * consumes it and leaves one pending `>` for the outer list. While a close is
   * pending, every type continuation (`,`, `|`, `&`, `[]`) is gated off, since
   * the outer list must close first.
   */
  private pendingTypeCloses = 0;

  constructor() {
    super(T.allTokens, {
      recoveryEnabled: true,
      nodeLocationTracking: 'full',
      errorMessageProvider: parserErrorMessages,
    });
  }

  /** Call before each parse. */
  protected resetTypeState(): void {
    this.pendingTypeCloses = 0;
  }

  protected is(offset: number, type: TokenType): boolean {
    return tokenMatcher(this.LA(offset), type);
  }

  /** True if the next token starts a new line (where JS would insert a `;`). */
  protected nextOnNewLine(): boolean {
    const previous = this.LA(0);
    const next = this.LA(1);
    return (next.startLine ?? 0) > (previous.endLine ?? previous.startLine ?? 0);
  }

  public typeAnnotation = this.RULE('typeAnnotation', () => {
    this.CONSUME(T.Colon);
    this.SUBRULE(this.type);
  });

  public type = this.RULE('type', () => {
    this.OPTION(() => this.CONSUME(T.Pipe)); // leading `|` of a multi-line union
    this.SUBRULE(this.intersectionType);
    this.MANY({
      GATE: () => this.pendingTypeCloses === 0,
      DEF: () => {
        this.CONSUME2(T.Pipe);
        this.SUBRULE2(this.intersectionType);
      },
    });
  });

  public intersectionType = this.RULE('intersectionType', () => {
    this.SUBRULE(this.arrayType);
    this.MANY({
      GATE: () => this.pendingTypeCloses === 0,
      DEF: () => {
        this.CONSUME(T.Amp);
        this.SUBRULE2(this.arrayType);
      },
    });
  });

  /** `T[]` and indexed access `T['k']`, after `readonly`/`keyof`/`unique` if any. */
  public arrayType = this.RULE('arrayType', () => {
    // These words are plain identifiers to the lexer (`keyof` may name a type), so
    // they are operators only when another type follows.
    this.MANY({
      GATE: () => typeOperators.has(this.LA(1).image) && this.is(2, T.Identifier),
      DEF: () => this.CONSUME(T.Identifier, { LABEL: 'typeOperator' }),
    });
    this.SUBRULE(this.primaryType);
    this.MANY2({
      GATE: () => this.pendingTypeCloses === 0 && !this.nextOnNewLine(),
      DEF: () => {
        this.CONSUME(T.LBracket);
        this.OPTION(() => this.SUBRULE(this.type));
        this.CONSUME(T.RBracket);
      },
    });
  });

  public primaryType = this.RULE('primaryType', () => {
    this.OR({
      ERR_MSG: 'a type',
      DEF: [
        { ALT: () => this.SUBRULE(this.typeReference) },
        {
          ALT: () => {
            this.CONSUME(T.Typeof);
            this.SUBRULE2(this.typeReference);
          },
        },
        { ALT: () => this.CONSUME(T.StringLiteral) },
        { ALT: () => this.CONSUME(T.TemplateLiteral) },
        {
          ALT: () => {
            this.OPTION(() => this.CONSUME(T.Minus));
            this.CONSUME(T.NumberLiteral);
          },
        },
        { ALT: () => this.CONSUME(T.True) },
        { ALT: () => this.CONSUME(T.False) },
        { ALT: () => this.CONSUME(T.Void) },
        { ALT: () => this.CONSUME(T.This) },
        { ALT: () => this.CONSUME(T.Const) }, // `as const`
        {
          ALT: () => {
            this.CONSUME(T.LParen);
            this.SUBRULE(this.type);
            this.CONSUME(T.RParen);
          },
        },
        { ALT: () => this.SUBRULE(this.tupleType) },
        { ALT: () => this.SUBRULE(this.objectType) },
      ],
    });
  });

  public typeReference = this.RULE('typeReference', () => {
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Dot);
      this.CONSUME(T.IdentifierName);
    });
    this.OPTION(() => this.SUBRULE(this.typeArguments));
  });

  public typeArguments = this.RULE('typeArguments', () => {
    this.CONSUME(T.Less);
    this.SUBRULE(this.type);
    this.MANY({
      GATE: () => this.pendingTypeCloses === 0,
      DEF: () => {
        this.CONSUME(T.Comma);
        this.SUBRULE2(this.type);
      },
    });
    this.closeAngle();
  });

  /** `<T, U extends DType = 'f32'>` after a function name; ignored like all types. */
  public typeParameters = this.RULE('typeParameters', () => {
    this.CONSUME(T.Less);
    this.MANY_SEP({
      SEP: T.Comma,
      DEF: () => {
        this.CONSUME(T.Identifier);
        this.OPTION(() => {
          this.CONSUME(T.Extends);
          this.SUBRULE(this.type);
        });
        this.OPTION2(() => {
          this.CONSUME(T.Equals);
          this.SUBRULE2(this.type);
        });
      },
    });
    this.closeAngle();
  });

  /** The `>` of a type argument or parameter list (see `pendingTypeCloses`). */
  private closeAngle(): void {
    this.OR9({
      ERR_MSG: "'>' to close the type arguments",
      DEF: [
        { GATE: () => this.pendingTypeCloses === 0, ALT: () => this.CONSUME9(T.Greater) },
        {
          GATE: () => this.pendingTypeCloses === 0,
          ALT: () => {
            this.CONSUME9(T.ShiftRight);
            this.ACTION(() => (this.pendingTypeCloses += 1));
          },
        },
        {
          GATE: () => this.pendingTypeCloses === 0,
          ALT: () => {
            this.CONSUME9(T.UnsignedShiftRight);
            this.ACTION(() => (this.pendingTypeCloses += 2));
          },
        },
        // The `>` was part of an inner list's `>>`.
        {
          GATE: () => this.pendingTypeCloses > 0,
          ALT: () => this.ACTION(() => (this.pendingTypeCloses -= 1)),
        },
      ],
    });
  }

  public tupleType = this.RULE('tupleType', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.type) });
    this.CONSUME(T.RBracket);
  });

  public objectType = this.RULE('objectType', () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.OR([
        { ALT: () => this.CONSUME(T.IdentifierName) },
        { ALT: () => this.CONSUME(T.StringLiteral) },
      ]);
      this.OPTION(() => this.CONSUME(T.Question));
      this.SUBRULE(this.typeAnnotation);
      this.OPTION2(() =>
        this.OR2([{ ALT: () => this.CONSUME(T.Semicolon) }, { ALT: () => this.CONSUME(T.Comma) }]),
      );
    });
    this.CONSUME(T.RCurly);
  });
}

const typeOperators: ReadonlySet<string> = new Set(['readonly', 'keyof', 'unique']);
