// Code frames: the source line with a caret under the span; long lines (a
// transpiled kernel's fn.toString() can be one line) are cut to a window
// around the span, so the caret stays readable.

import { describe, expect, it } from 'vitest';
import { codeFrame, type Span } from '../../compiler/errors.js';

const spanAt = (source: string, needle: string): Span => {
  const startOffset = source.indexOf(needle);
  const lineStart = source.lastIndexOf('\n', startOffset) + 1;
  const line = source.slice(0, startOffset).split('\n').length;
  return { file: 'k.ts', startOffset, endOffset: startOffset + needle.length, line, column: startOffset - lineStart + 1 };
};

describe('code frames', () => {
  it('puts a caret under the span of a short line', () => {
    const source = 'function k(x) {\n  const y = tl.arang(0, 8);\n}';
    expect(codeFrame(source, spanAt(source, 'tl.arang'))).toBe('2 |   const y = tl.arang(0, 8);\n  |             ^^^^^^^^');
  });

  it('windows a long line around the span, with ellipses', () => {
    const body = Array.from({ length: 30 }, (_, i) => `const a${i}=tl.arange(0,8);`).join('');
    const source = `function k(x){${body}const bad=tl.arang(0,8);${body}}`;
    const frame = codeFrame(source, spanAt(source, 'tl.arang('));
    const [text = '', carets = ''] = frame.split('\n');
    expect(text.length).toBeLessThan(140);
    expect(text).toMatch(/^1 \| …/);
    expect(text.endsWith('…')).toBe(true);
    const caretAt = carets.indexOf('^');
    expect(text.slice(caretAt, caretAt + 9)).toBe('tl.arang(');
    expect(carets.slice(caretAt)).toBe('^^^^^^^^^');
  });
});
