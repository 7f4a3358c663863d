// Finds the kernels in a user's .ts or .js file without running or
// transpiling it: `kernel(function name(...) {...}, { options })` calls
// (function expressions or arrows, the options a plain literal) and top-level
// function declarations whose body uses the `tl` namespace. Each kernel's text
// is the exact slice of the file, parsed later with its line and column
// offsets, so every error position is a position in the user's file.

import { closestName } from './diagnostics.js';
import { matchingClose, maskNonCode, positionOf, skipSpace, type Unterminated } from './scan.js';
import { isLiteralObject, parseLiteral, type Literal } from './literal.js';

export interface KernelOptionsLiteral {
  readonly constexprs?: readonly string[];
  readonly namespace?: string;
  readonly invocations?: number;
  readonly params?: readonly string[];
}

export interface FoundKernel {
  /** The function's own name, or the variable it is assigned to when anonymous. */
  readonly name: string;
  /** `const NAME = kernel(...)`: the binding, another name --kernel accepts. */
  readonly binding?: string;
  /** The function's text, exactly as in the file. */
  readonly source: string;
  readonly startOffset: number;
  /** 1-based line and column where `source` starts. */
  readonly line: number;
  readonly column: number;
  readonly options: KernelOptionsLiteral;
  /** Why (some of) the options could not be read statically, if so. */
  readonly optionsProblem?: string;
}

const IDENT = /[A-Za-z_$][\w$]*/y;

/** The kernels in `text`; comments and templates left open (which hide what follows) go to `unterminated`. */
export function findKernels(text: string, unterminated: Unterminated[] = []): FoundKernel[] {
  const masked = maskNonCode(text, unterminated);
  const found: FoundKernel[] = [];
  const optionsFor = new Map<string, { options: KernelOptionsLiteral; problem?: string; binding?: string }>();

  // kernel( ... ) calls.
  const call = /(?<![\w$])kernel\s*\(/g;
  for (let m = call.exec(masked); m; m = call.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = matchingClose(masked, open);
    if (close < 0) continue;
    const argStart = skipSpace(masked, open + 1);
    const binding = bindingBefore(masked, m.index);
    const fn = functionAt(masked, argStart);
    const afterFn = fn ? skipSpace(masked, fn.end) : -1;
    const identifier = fn ? undefined : identifierAt(masked, argStart);
    const afterArg = fn ? afterFn : identifier ? skipSpace(masked, argStart + identifier.length) : -1;
    const { options, problem } = afterArg >= 0 && masked[afterArg] === ',' ? readOptions(text, masked, skipSpace(masked, afterArg + 1), close) : { options: {} };
    if (fn) {
      const name = fn.name ?? binding ?? 'kernel';
      found.push(kernelAt(text, fn.start, fn.end, name, binding, options, problem));
    } else if (identifier) {
      // kernel(add, {...}) over a function declared elsewhere in the file.
      optionsFor.set(identifier, { options, ...(problem ? { problem } : {}), ...(binding ? { binding } : {}) });
    }
  }

  // Top-level function declarations that use the tl namespace.
  let depth = 0;
  for (let i = 0; i < masked.length; i++) {
    const ch = masked[i];
    if (ch === '{' || ch === '(' || ch === '[') depth++;
    else if (ch === '}' || ch === ')' || ch === ']') depth--;
    else if (depth === 0 && masked.startsWith('function', i) && !/[\w$]/.test(masked[i - 1] ?? '')) {
      const fn = functionAt(masked, i);
      if (!fn || !fn.name) continue;
      const linked = optionsFor.get(fn.name);
      const namespace = linked?.options.namespace ?? 'tl';
      const body = masked.slice(fn.start, fn.end);
      if (linked || new RegExp(`(?<![\\w$])${namespace.replace(/\$/g, '\\$')}\\s*\\.`).test(body))
        found.push(kernelAt(text, fn.start, fn.end, fn.name, linked?.binding, linked?.options ?? {}, linked?.problem));
      i = fn.end - 1;
    }
  }
  return found.sort((a, b) => a.startOffset - b.startOffset);
}

function kernelAt(text: string, start: number, end: number, name: string, binding: string | undefined, options: KernelOptionsLiteral, problem: string | undefined): FoundKernel {
  const { line, column } = positionOf(text, start);
  return {
    name,
    ...(binding && binding !== name ? { binding } : {}),
    source: text.slice(start, end),
    startOffset: start,
    line,
    column,
    options,
    ...(problem ? { optionsProblem: problem } : {}),
  };
}

/** `function [*] [name] (params) [: type] { body }` or `(params) => { body }` at `at`; its extent. */
function functionAt(masked: string, at: number): { start: number; end: number; name?: string } | undefined {
  let i = at;
  if (masked.startsWith('async', i)) i = skipSpace(masked, i + 5);
  if (masked.startsWith('function', i) && !/[\w$]/.test(masked[i + 8] ?? '')) {
    i = skipSpace(masked, i + 8);
    if (masked[i] === '*') i = skipSpace(masked, i + 1);
    const name = identifierAt(masked, i);
    if (name) i = skipSpace(masked, i + name.length);
    if (masked[i] === '<') i = skipSpace(masked, angleEnd(masked, i));
    if (masked[i] !== '(') return undefined;
    const bodyOpen = bodyAfterParams(masked, i, false);
    if (bodyOpen < 0) return undefined;
    const bodyClose = matchingClose(masked, bodyOpen);
    return bodyClose < 0 ? undefined : { start: at, end: bodyClose + 1, ...(name ? { name } : {}) };
  }
  // An arrow function with a block body.
  const param = identifierAt(masked, i);
  if (masked[i] !== '(' && !param) return undefined;
  const bodyOpen = bodyAfterParams(masked, i, true);
  if (bodyOpen < 0) return undefined;
  const bodyClose = matchingClose(masked, bodyOpen);
  return bodyClose < 0 ? undefined : { start: at, end: bodyClose + 1 };
}

/** From a parameter list at `i`: skip it, an optional return type and (for arrows) `=>`; the body's `{`. */
function bodyAfterParams(masked: string, i: number, arrow: boolean): number {
  let j = i;
  if (masked[j] === '(') {
    const close = matchingClose(masked, j);
    if (close < 0) return -1;
    j = close + 1;
  } else j += identifierAt(masked, j)?.length ?? 0;
  j = skipSpace(masked, j);
  if (masked[j] === ':') {
    // A return type: everything up to the `{` (or `=>`) at nesting depth 0.
    j++;
    let nesting = 0;
    while (j < masked.length) {
      const ch = masked[j];
      if (ch === '(' || ch === '[' || ch === '<') nesting++;
      else if (ch === ')' || ch === ']' || (ch === '>' && masked[j - 1] !== '=')) nesting--;
      else if (nesting <= 0 && (ch === '{' || (arrow && masked.startsWith('=>', j)))) break;
      j++;
    }
  }
  if (arrow) {
    if (!masked.startsWith('=>', j)) return -1;
    j = skipSpace(masked, j + 2);
  }
  return masked[j] === '{' ? j : -1;
}

function angleEnd(masked: string, open: number): number {
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    if (masked[i] === '<') depth++;
    else if (masked[i] === '>' && --depth === 0) return i + 1;
  }
  return masked.length;
}

function identifierAt(masked: string, at: number): string | undefined {
  IDENT.lastIndex = at;
  const m = IDENT.exec(masked);
  return m && m.index === at ? m[0] : undefined;
}

/** `const NAME = ` (or let/var, with an optional type) right before a call. */
function bindingBefore(masked: string, at: number): string | undefined {
  const before = masked.slice(Math.max(0, at - 200), at);
  return /(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=;]*)?=\s*(?:[\w$]+\s*\.\s*)?$/.exec(before)?.[1];
}

/** The options object literal at `at` (the second argument of kernel(...)). */
function readOptions(text: string, masked: string, at: number, callClose: number): { options: KernelOptionsLiteral; problem?: string } {
  if (at >= callClose) return { options: {} };
  if (masked[at] !== '{') return { options: {}, problem: 'the options are not an object literal' };
  const close = matchingClose(masked, at);
  if (close < 0) return { options: {} };
  const parsed = parseLiteral(text.slice(at, close + 1));
  if (!parsed.ok) return { options: {}, problem: parsed.problem };
  const value = parsed.value;
  if (!isLiteralObject(value)) return { options: {} };
  const options: { constexprs?: string[]; namespace?: string; invocations?: number; params?: string[] } = {};
  const problems: string[] = [];
  const strings = (v: Literal | undefined, key: string): string[] | undefined => {
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((s): s is string => typeof s === 'string')) return v;
    problems.push(`'${key}' is not a list of strings`);
    return undefined;
  };
  const constexprs = strings(value['constexprs'], 'constexprs');
  if (constexprs) options.constexprs = constexprs;
  const params = strings(value['params'], 'params');
  if (params) options.params = params;
  const namespace = value['namespace'];
  if (typeof namespace === 'string') options.namespace = namespace;
  const invocations = value['invocations'];
  if (typeof invocations === 'number') options.invocations = invocations;
  for (const key of Object.keys(value)) {
    if (value[key] === undefined && KNOWN_OPTIONS.includes(key)) problems.push(`'${key}' is not a literal`);
    else if (!KNOWN_OPTIONS.includes(key)) {
      const close = closestName(key, KNOWN_OPTIONS);
      problems.push(`unknown option '${key}'${close ? ` (did you mean '${close}'?)` : ''}`);
    }
  }
  return problems.length ? { options, problem: problems.join('; ') } : { options };
}

const KNOWN_OPTIONS = ['constexprs', 'types', 'invocations', 'file', 'namespace', 'params', 'checkBounds', 'coalesce', 'elementsPerInvocation', 'subgroups', 'fullTiles', 'specialize'];
