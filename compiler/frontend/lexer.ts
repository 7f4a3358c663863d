// Tokens for the TypeScript subset that kernels are written in.
//
// The lexer is deliberately wider than the kernel language: it knows strings,
// `**`, `?.`, `??`, `class`, `switch` and friends so that the parser and the
// AST builder can name an unsupported construct precisely instead of failing
// on an "unexpected character".
//
// Chevrotain picks the FIRST pattern that matches (not the longest), so the
// order of `allTokens` matters: comments before `/`, numbers before `.`,
// longer punctuators before their prefixes, keywords before identifiers (with
// `longer_alt` so that `format` is an identifier and not `for` + `mat`).

import { createToken, Lexer, type TokenType } from 'chevrotain';

// ---- categories (no pattern; used by the grammar to match a family) --------

/** Anything allowed after `.` or as an object key: identifiers and every keyword. */
export const IdentifierName = createToken({
  name: 'IdentifierName',
  pattern: Lexer.NA,
  label: 'a name',
});
/** Binary operators; the AST builder resolves precedence over the flat list. */
export const BinaryOperator = createToken({
  name: 'BinaryOperator',
  pattern: Lexer.NA,
  label: 'an operator',
});
/** `=` and the compound assignments. */
export const AssignmentOperator = createToken({
  name: 'AssignmentOperator',
  pattern: Lexer.NA,
  label: "'='",
});
/** `- + ! ~ typeof void delete await ++ --` in prefix position. */
export const PrefixOperator = createToken({
  name: 'PrefixOperator',
  pattern: Lexer.NA,
  label: 'a prefix operator',
});
/** Keywords that no kernel construct uses; reaching one is reported as 'unsupported'. */
export const UnsupportedKeyword = createToken({ name: 'UnsupportedKeyword', pattern: Lexer.NA });

// ---- trivia ------------------------------------------------------------------

export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /[ \t\n\r\v\f\u00a0\ufeff\u2028\u2029]+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({
  name: 'LineComment',
  pattern: /\/\/[^\n\r]*/,
  group: Lexer.SKIPPED,
});
export const BlockComment = createToken({
  name: 'BlockComment',
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

// ---- malformed input, kept out of the token stream and reported by parse.ts --

/** Group name for tokens that are themselves errors (unterminated strings, comments). */
export const INVALID_GROUP = 'invalid';
export const UnterminatedComment = createToken({
  name: 'UnterminatedComment',
  pattern: /\/\*[\s\S]*/,
  group: INVALID_GROUP,
  line_breaks: true,
});
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /'(?:[^'\\\n\r]|\\[\s\S])*|"(?:[^"\\\n\r]|\\[\s\S])*/,
  group: INVALID_GROUP,
  line_breaks: true,
});
export const UnterminatedTemplate = createToken({
  name: 'UnterminatedTemplate',
  pattern: /`(?:[^`\\]|\\[\s\S])*/,
  group: INVALID_GROUP,
  line_breaks: true,
});

// ---- literals ------------------------------------------------------------------

const digits = String.raw`\d(?:_?\d)*`;
const exponent = String.raw`(?:[eE][+-]?${digits})?`;
export const NumberLiteral = createToken({
  name: 'NumberLiteral',
  label: 'a number',
  pattern: new RegExp(
    [
      String.raw`0[xX][\da-fA-F](?:_?[\da-fA-F])*`,
      String.raw`0[bB][01](?:_?[01])*`,
      String.raw`0[oO][0-7](?:_?[0-7])*`,
      String.raw`${digits}(?:\.(?:${digits})?)?${exponent}`, // 1  1.  1.5  1e3  1_000
      String.raw`\.${digits}${exponent}`, // .5
    ].join('|'),
  ),
});
export const StringLiteral = createToken({
  name: 'StringLiteral',
  label: 'a string',
  pattern: /'(?:[^'\\\n\r]|\\[\s\S])*'|"(?:[^"\\\n\r]|\\[\s\S])*"/,
  line_breaks: true, // a `\` line continuation
});
/** A whole template literal; substitutions are detected (and rejected) by the AST builder. */
export const TemplateLiteral = createToken({
  name: 'TemplateLiteral',
  label: 'a template literal',
  pattern: /`(?:[^`\\]|\\[\s\S])*`/,
  line_breaks: true,
});

// ---- identifiers and keywords --------------------------------------------------------

export const Identifier = createToken({
  name: 'Identifier',
  label: 'a name',
  // ASCII plus the common letter blocks (no punctuation block, which holds U+2028).
  pattern: /[A-Za-z_$\u00c0-\u1fff\u2c00-\ud7ff][\w$\u00c0-\u1fff\u2c00-\ud7ff]*/,
  categories: [IdentifierName],
});

const keywordTokens: TokenType[] = [];
/** A reserved word: never an identifier, but allowed after `.` and as an object key. */
function keyword(word: string, extraCategories: TokenType[] = []): TokenType {
  const token = createToken({
    name: word[0]!.toUpperCase() + word.slice(1),
    pattern: new RegExp(word),
    label: `'${word}'`,
    longer_alt: Identifier,
    categories: [IdentifierName, ...extraCategories],
  });
  keywordTokens.push(token);
  return token;
}
/** A contextual keyword (`of`, `as`, `async`...): also usable as a plain identifier. */
function contextual(word: string): TokenType {
  return keyword(word, [Identifier]);
}

export const FunctionKeyword = keyword('function');
export const Const = keyword('const');
export const Let = keyword('let');
export const Var = keyword('var');
export const If = keyword('if');
export const Else = keyword('else');
export const For = keyword('for');
export const While = keyword('while');
export const Do = keyword('do');
export const Return = keyword('return');
export const Break = keyword('break');
export const Continue = keyword('continue');
export const True = keyword('true');
export const False = keyword('false');
export const New = keyword('new');
export const This = keyword('this');
export const In = keyword('in');
export const Instanceof = keyword('instanceof', [BinaryOperator]);
export const Typeof = keyword('typeof', [PrefixOperator]);
export const Void = keyword('void', [PrefixOperator]);
export const Delete = keyword('delete', [PrefixOperator]);
export const Await = keyword('await', [PrefixOperator]);
export const Of = contextual('of');
export const As = contextual('as');
export const Satisfies = contextual('satisfies');
export const Async = contextual('async');
/** Words with no place in a kernel, listed so errors can say "'switch' is not supported". */
export const unsupportedKeywords: readonly TokenType[] = [
  'class',
  'switch',
  'case',
  'default',
  'try',
  'catch',
  'finally',
  'throw',
  'with',
  'yield',
  'debugger',
  'import',
  'export',
  'enum',
  'super',
].map((word) => keyword(word, [UnsupportedKeyword]));
/** Only valid in a type parameter list (`<T extends DType>`); elsewhere it means a class. */
export const Extends = keyword('extends', [UnsupportedKeyword]);

// ---- punctuators ------------------------------------------------------------------------

function punctuator(name: string, image: string, categories: TokenType[] = []): TokenType {
  const escaped = image.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return createToken({ name, pattern: new RegExp(escaped), label: `'${image}'`, categories });
}
const binary = [BinaryOperator];
const assign = [AssignmentOperator];

export const Arrow = punctuator('Arrow', '=>');
export const DotDotDot = punctuator('DotDotDot', '...');
/** `?.` but not `?` followed by a number (`c?.5:1` is a conditional). */
export const QuestionDot = createToken({
  name: 'QuestionDot',
  pattern: /\?\.(?!\d)/,
  label: "'?.'",
});
export const Dot = punctuator('Dot', '.');

// Longest first within each family: chevrotain takes the first match.
const operatorTokens: TokenType[] = [
  punctuator('UnsignedShiftRightEquals', '>>>=', assign),
  punctuator('ShiftLeftEquals', '<<=', assign),
  punctuator('ShiftRightEquals', '>>=', assign),
  punctuator('StarStarEquals', '**=', assign),
  punctuator('AmpAmpEquals', '&&=', assign),
  punctuator('PipePipeEquals', '||=', assign),
  punctuator('QuestionQuestionEquals', '??=', assign),
  punctuator('StrictEquals', '===', binary),
  punctuator('StrictNotEquals', '!==', binary),
];
export const UnsignedShiftRight = punctuator('UnsignedShiftRight', '>>>', binary);
export const ShiftRight = punctuator('ShiftRight', '>>', binary);
operatorTokens.push(
  UnsignedShiftRight,
  punctuator('ShiftLeft', '<<', binary),
  ShiftRight,
  punctuator('LessEquals', '<=', binary),
  punctuator('GreaterEquals', '>=', binary),
  punctuator('EqualsEquals', '==', binary),
  punctuator('NotEquals', '!=', binary),
  punctuator('PlusEquals', '+=', assign),
  punctuator('MinusEquals', '-=', assign),
  punctuator('StarEquals', '*=', assign),
  punctuator('SlashEquals', '/=', assign),
  punctuator('PercentEquals', '%=', assign),
  punctuator('AmpEquals', '&=', assign),
  punctuator('PipeEquals', '|=', assign),
  punctuator('CaretEquals', '^=', assign),
  punctuator('AmpAmp', '&&', binary),
  punctuator('PipePipe', '||', binary),
  punctuator('QuestionQuestion', '??', binary),
  punctuator('StarStar', '**', binary),
);
export const PlusPlus = punctuator('PlusPlus', '++', [PrefixOperator]);
export const MinusMinus = punctuator('MinusMinus', '--', [PrefixOperator]);
export const Less = punctuator('Less', '<', binary);
export const Greater = punctuator('Greater', '>', binary);
export const Equals = punctuator('Equals', '=', assign);
export const Plus = punctuator('Plus', '+', [BinaryOperator, PrefixOperator]);
export const Minus = punctuator('Minus', '-', [BinaryOperator, PrefixOperator]);
export const Star = punctuator('Star', '*', binary);
export const Bang = punctuator('Bang', '!', [PrefixOperator]);
export const Tilde = punctuator('Tilde', '~', [PrefixOperator]);
export const Pipe = punctuator('Pipe', '|', binary);
export const Amp = punctuator('Amp', '&', binary);
export const Question = punctuator('Question', '?');
operatorTokens.push(
  PlusPlus,
  MinusMinus,
  Less,
  Greater,
  Equals,
  Plus,
  Minus,
  Star,
  punctuator('Slash', '/', binary),
  punctuator('Percent', '%', binary),
  punctuator('Caret', '^', binary),
  Bang,
  Tilde,
  Pipe,
  Amp,
  Question,
);

export const LParen = punctuator('LParen', '(');
export const RParen = punctuator('RParen', ')');
export const LBracket = punctuator('LBracket', '[');
export const RBracket = punctuator('RBracket', ']');
export const LCurly = punctuator('LCurly', '{');
export const RCurly = punctuator('RCurly', '}');
export const Semicolon = punctuator('Semicolon', ';');
export const Comma = punctuator('Comma', ',');
export const Colon = punctuator('Colon', ':');

// Keywords sorted longest first so `in` cannot shadow `instanceof`, `as` `async`.
const keywordsByLength = [...keywordTokens].sort(
  (a, b) => keywordImage(b).length - keywordImage(a).length,
);
function keywordImage(token: TokenType): string {
  return token.PATTERN instanceof RegExp ? token.PATTERN.source : '';
}

export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  NumberLiteral,
  StringLiteral,
  UnterminatedString,
  TemplateLiteral,
  UnterminatedTemplate,
  ...keywordsByLength,
  Identifier,
  Arrow,
  DotDotDot,
  QuestionDot,
  Dot,
  ...operatorTokens,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LCurly,
  RCurly,
  Semicolon,
  Comma,
  Colon,
  // Categories must be part of the vocabulary for the parser to match on them.
  IdentifierName,
  BinaryOperator,
  AssignmentOperator,
  PrefixOperator,
  UnsupportedKeyword,
];

export const kernelLexer = new Lexer(allTokens, {
  positionTracking: 'full',
  // The patterns are all simple; fail loudly in tests if one stops being optimizable.
  ensureOptimizations: true,
});
