// A lexical view of a JavaScript/TypeScript file that is just enough to find
// kernels in it without running it or rewriting it: `maskNonCode` blanks out
// comments, strings, template text and regular expressions (keeping every
// offset and line break), so that searching for `kernel(` or matching braces
// in the masked text cannot be fooled by a `}` inside a string. Positions in
// the masked text are positions in the file.

const REGEX_AFTER_KEYWORD = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/;

/** A comment or template literal that runs to the end of the file. */
export interface Unterminated {
  readonly offset: number;
  readonly what: 'comment' | 'template literal';
}

/**
 * The same text with every non-code character (except line breaks) replaced
 * by a space. Comments and templates left open are pushed to `unterminated`:
 * they swallow the rest of the file, kernels included.
 */
export function maskNonCode(text: string, unterminated: Unterminated[] = []): string {
  const out = text.split('');
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  /** Brace depth at which each open template's `${` started (innermost last). */
  const templates: number[] = [];
  let braces = 0;
  let i = 0;
  const skipTemplateText = (opened: number): void => {
    // At the character after ` or }: blank up to the closing ` or the next ${.
    const start = i;
    while (i < text.length) {
      const ch = text[i];
      if (ch === '\\') i += 2;
      else if (ch === '`') {
        blank(start, i);
        i++;
        return;
      } else if (ch === '$' && text[i + 1] === '{') {
        blank(start, i);
        templates.push(braces);
        braces++;
        i += 2;
        return;
      } else i++;
    }
    blank(start, text.length);
    unterminated.push({ offset: opened, what: 'template literal' });
  };
  while (i < text.length) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) unterminated.push({ offset: i, what: 'comment' });
      const stop = end < 0 ? text.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (ch === '`') {
      i++;
      skipTemplateText(i - 1);
    } else if (ch === '/' && regexAllowed(out, i)) {
      let j = i + 1;
      let inClass = false;
      while (j < text.length && text[j] !== '\n') {
        const c = text[j];
        if (c === '\\') j++;
        else if (c === '[') inClass = true;
        else if (c === ']') inClass = false;
        else if (c === '/' && !inClass) break;
        j++;
      }
      blank(i + 1, j);
      i = j + 1;
    } else if (ch === '{') {
      braces++;
      i++;
    } else if (ch === '}') {
      braces--;
      i++;
      if (templates.length && templates[templates.length - 1] === braces) {
        templates.pop();
        skipTemplateText(i - 1);
      }
    } else i++;
  }
  return out.join('');
}

/** A `/` starts a regular expression when no operand precedes it. */
function regexAllowed(out: readonly string[], at: number): boolean {
  let k = at - 1;
  while (k >= 0 && /\s/.test(out[k] ?? '')) k--;
  if (k < 0) return true;
  const prev = out[k] ?? '';
  if ('(,=:[!&|?{};+-*%<>~^'.includes(prev)) return true;
  if (/[\w$]/.test(prev)) {
    const before = out.slice(Math.max(0, k - 10), k + 1).join('');
    return REGEX_AFTER_KEYWORD.test(before);
  }
  return false;
}

/**
 * Offset of the bracket that closes the one at `open` (in masked text), or -1.
 * Only brackets of the same kind count, so a function body with unbalanced
 * parentheses (a syntax error the parser will report) still has its extent.
 */
export function matchingClose(masked: string, open: number): number {
  const openChar = masked[open] ?? '';
  const closeChar = ({ '(': ')', '[': ']', '{': '}' } as Record<string, string>)[openChar];
  if (!closeChar) return -1;
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    const ch = masked[i];
    if (ch === openChar) depth++;
    else if (ch === closeChar && --depth === 0) return i;
  }
  return -1;
}

/** The first offset from `from` whose character is not whitespace. */
export function skipSpace(masked: string, from: number): number {
  let i = from;
  while (i < masked.length && /\s/.test(masked[i] ?? '')) i++;
  return i;
}

/** 1-based line and column of an offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n' || (text[i] === '\r' && text[i + 1] !== '\n')) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}
