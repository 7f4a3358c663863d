// The catalogue of bad inputs: each case runs the CLI on one mistake and
// checks the error kind, the message, the position (in the user's file, or in
// the --signature string) and the exit code; none may show a stack trace.
// Cases marked `binary` run the real bin/tessera.js in a child process and
// check the rendered text (file:line:col, the source line, the caret); the
// others run `main` in-process with --json, which is the same code after argv.

import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOGUE_SOURCE, NO_KERNELS_SOURCE, OPEN_COMMENT_SOURCE } from './catalogue-fixture.js';
import { artifactDir, diagnosticsOf, expectNoStackTrace, positionOf, runBinary, runInProcess, writeFixture, type CliRun } from './helpers.js';

interface Case {
  readonly name: string;
  /** Arguments; FILE is replaced with the fixture's path, NOKERNELS with a file without kernels. */
  readonly argv: readonly string[];
  readonly kind: string;
  readonly message: string | readonly string[];
  /** Where the (first) error is: text in the fixture, or a column of the signature, or none. */
  readonly at?: { readonly fixture: string; readonly after?: string } | { readonly signatureColumn: number } | { readonly file: string; readonly line: number; readonly column: number };
  readonly code: 1 | 2;
  /** Run the real binary (text output) instead of main in-process (--json). */
  readonly binary?: boolean;
  /** Further diagnostics expected after the first (several errors in one run). */
  readonly more?: readonly { readonly message: string; readonly at: { readonly fixture: string; readonly after?: string } }[];
  readonly hint?: string;
}

const k = (kernel: string, signature: string, ...rest: string[]): string[] => ['wgsl', 'FILE', '--kernel', kernel, '--signature', signature, '--no-validate', ...rest];

const cases: Case[] = [
  // Syntax errors of several kinds; several reported in one run.
  { name: 'a missing operand', argv: k('missing_operand', '*fp32,i32'), kind: 'syntax', message: "expected an expression, found ')'", at: { fixture: ');', after: 'missing_operand' }, code: 1, binary: true },
  {
    name: 'two syntax errors reported in one run',
    argv: k('two_syntax_errors', '*fp32,i32'),
    kind: 'syntax',
    message: "expected an expression, found ';'",
    at: { fixture: ';', after: 'const a = (1 +' },
    more: [{ message: "expected an expression, found ')'", at: { fixture: ');', after: '1.0 *' } }],
    code: 1,
    binary: true,
  },
  { name: 'a stray character', argv: k('stray_character', '*fp32,i32'), kind: 'syntax', message: "unexpected character '#'", at: { fixture: '#' }, code: 1 },
  { name: 'an unterminated string', argv: k('unterminated_string', '*fp32,i32'), kind: 'syntax', message: 'unterminated string literal', at: { fixture: "'oops" }, code: 1, binary: true },
  { name: 'a missing parenthesis', argv: k('missing_paren', '*fp32,i32'), kind: 'syntax', message: "expected ')' to close the if condition, found '{'", at: { fixture: '{', after: 'if (n > 0 ' }, code: 1 },
  // Unsupported constructs.
  { name: 'switch', argv: k('uses_switch', '*fp32,i32'), kind: 'unsupported', message: "'switch' is not supported in kernels; use if/else", at: { fixture: 'switch (n)' }, code: 1, binary: true },
  { name: 'try/catch', argv: k('uses_try', '*fp32,i32'), kind: 'unsupported', message: 'GPU code cannot throw', at: { fixture: 'try {' }, code: 1 },
  { name: 'a closure', argv: k('uses_closure', '*fp32,i32'), kind: 'unsupported', message: 'functions and closures cannot be defined inside a kernel', at: { fixture: '(a) => a + 1' }, code: 1 },
  { name: 'a string', argv: k('uses_string', '*fp32,i32'), kind: 'unsupported', message: 'strings are not supported in kernels', at: { fixture: "'hello'" }, code: 1 },
  { name: 'an object literal', argv: k('uses_object', '*fp32,i32'), kind: 'unsupported', message: 'object literals are not supported in kernels', at: { fixture: '{ a: 1 }' }, code: 1 },
  // Unknown names, with did-you-mean.
  { name: 'tl.program_id', argv: k('snake_case_program_id', '*fp32,i32'), kind: 'name', message: "tl.program_id is not a Tessera function; did you mean 'tl.programId'?", at: { fixture: 'tl.program_id' }, code: 1, binary: true },
  { name: 'tl.arnge', argv: k('misspelled_arange', '*fp32,i32'), kind: 'name', message: "did you mean 'tl.arange'?", at: { fixture: 'tl.arnge' }, code: 1 },
  { name: 'an undefined variable', argv: k('undefined_variable', '*fp32,i32'), kind: 'name', message: "'scale' is not defined in this kernel", at: { fixture: 'scale);' }, code: 1 },
  { name: 'arange without tl.', argv: k('missing_namespace', '*fp32,i32'), kind: 'name', message: "did you mean 'tl.arange'?", at: { fixture: 'arange(0, 16);', after: 'missing_namespace' }, code: 1 },
  { name: 'a duplicate parameter', argv: k('duplicate_parameter', '*fp32,*fp32'), kind: 'name', message: "duplicate parameter name 'x_ptr'", at: { fixture: 'x_ptr)', after: 'duplicate_parameter(' }, code: 1 },
  // Arity, shapes, dtypes.
  { name: 'wrong arity of tl.arange', argv: k('arange_one_argument', '*fp32,i32'), kind: 'type', message: 'tl.arange takes 2 arguments, got 1', at: { fixture: 'tl.arange(16)' }, code: 1, binary: true },
  { name: 'a non-power-of-two arange', argv: k('arange_not_power_of_two', '*fp32,i32'), kind: 'shape', message: 'arange(0, 100) has 100 elements; the length must be a power of two', at: { fixture: 'tl.arange(0, 100)' }, code: 1, binary: true },
  { name: 'shapes that do not broadcast', argv: k('broadcast_mismatch', '*fp32,i32'), kind: 'shape', message: 'cannot broadcast shapes [128] and [64]', at: { fixture: 'a + b' }, code: 1 },
  { name: 'a reduction axis out of range', argv: k('reduce_bad_axis', '*fp32,i32'), kind: 'shape', message: 'axis 1 is out of range for a tile of rank 1', at: { fixture: '1));', after: 'tl.sum(a, ' }, code: 1 },
  { name: 'tl.exp of integers', argv: k('exp_of_int', '*fp32,i32'), kind: 'type', message: 'tl.exp expects a floating-point tile, got i32[16]', at: { fixture: 'offs));', after: 'tl.exp(' }, code: 1, binary: true },
  { name: 'bitwise and on floats', argv: k('bitand_float', '*fp32,i32'), kind: 'type', message: "'&' needs integer operands, got f32[16]", at: { fixture: 'a & 1' }, code: 1 },
  { name: 'float pointer offsets', argv: k('float_offsets', '*fp32,i32'), kind: 'type', message: 'pointer offsets must be integers, got f32[16]', at: { fixture: 'x_ptr + a,', after: 'float_offsets' }, code: 1 },
  { name: 'wrong arity of tl.store', argv: k('store_one_argument', '*fp32,i32'), kind: 'type', message: 'tl.store takes 2 to 3 arguments, got 1', at: { fixture: 'tl.store(x_ptr)' }, code: 1 },
  // Constexpr misuse.
  {
    name: 'a runtime arange bound',
    argv: k('runtime_block', '*fp32,i32,i32'),
    kind: 'constexpr',
    message: "arange end must be a compile-time integer, but 'BLOCK' is a runtime argument",
    at: { fixture: 'BLOCK);', after: 'runtime_block' },
    hint: 'BLOCK must be a constexpr: give its value in the signature (entry 3',
    code: 1,
    binary: true,
  },
  { name: 'a type for a declared constexpr', argv: k('declared', '*fp32,i32,i32'), kind: 'signature', message: 'BLOCK is a constexpr (the kernel lists it in constexprs), so the signature must give its value', at: { signatureColumn: 11 }, code: 2 },
  // Bad signature strings.
  { name: 'too few signature entries', argv: k('fine', '*fp32'), kind: 'signature', message: 'the signature has 1 entry, but kernel fine has 2 parameters (x_ptr, n); missing: n', at: { signatureColumn: 6 }, code: 2, binary: true },
  { name: 'too many signature entries', argv: k('fine', '*fp32,i32,i32,7'), kind: 'signature', message: 'the signature has 4 entries, but kernel fine has 2 parameters', at: { signatureColumn: 11 }, code: 2 },
  { name: 'an unknown type', argv: k('fine', '*fp23,i32'), kind: 'signature', message: "unknown type 'fp23' for x_ptr; did you mean 'fp32'?", at: { signatureColumn: 2 }, code: 2, binary: true },
  { name: 'an unsupported type', argv: k('fine', '*fp16,i32'), kind: 'signature', message: "type 'fp16' of x_ptr is not supported", at: { signatureColumn: 2 }, code: 2 },
  { name: 'a malformed hint', argv: k('fine', '*fp32,i32:x'), kind: 'signature', message: "malformed divisibility hint ':x' on n", at: { signatureColumn: 10 }, code: 2, binary: true },
  { name: 'a hint that is not a power of two', argv: k('fine', '*fp32,i32:12'), kind: 'signature', message: 'divisibility hint 12 on n must be a power of two', at: { signatureColumn: 11 }, code: 2 },
  { name: 'a hint on a float scalar', argv: k('fine', '*fp32,fp32:16'), kind: 'signature', message: 'divisibility hints apply to integer scalars and buffers', at: { signatureColumn: 11 }, code: 2 },
  { name: 'an empty entry', argv: k('fine', '*fp32,,i32'), kind: 'signature', message: 'entry 2 (n) is empty', at: { signatureColumn: 7 }, code: 2 },
  { name: 'a malformed number', argv: k('fine', '*fp32,12abc'), kind: 'signature', message: "'12abc' is not a number", at: { signatureColumn: 7 }, code: 2 },
  { name: 'a missing signature', argv: ['wgsl', 'FILE', '--kernel', 'fine', '--no-validate'], kind: 'usage', message: 'kernel fine needs --signature', hint: '--signature "*fp32,i32"', code: 2 },
  // Kernels and files.
  { name: 'an unknown kernel name', argv: k('fien', '*fp32,i32'), kind: 'usage', message: "no kernel named 'fien' in FILE; did you mean 'fine'?", hint: 'kernels found: missing_operand', code: 2, binary: true },
  { name: 'several kernels and no --kernel', argv: ['wgsl', 'FILE', '--signature', '*fp32,i32', '--no-validate'], kind: 'usage', message: 'pick one with --kernel NAME', code: 2 },
  { name: 'a missing file', argv: ['compile', 'no/such/kernels.ts', '--signature', 'i32'], kind: 'file', message: 'cannot read no/such/kernels.ts: no such file', code: 2, binary: true },
  { name: 'a directory for a file', argv: ['ir', 'examples', '--signature', 'i32'], kind: 'file', message: 'examples is a directory', code: 2 },
  { name: 'an unterminated comment hiding the kernel', argv: ['wgsl', 'OPENCOMMENT', '--kernel', 'open_comment', '--signature', '*fp32,i32'], kind: 'syntax', message: "unterminated comment: it runs to the end of the file and hides everything after it; add the closing '*/'", at: { file: 'OPENCOMMENT', line: 4, column: 3 }, code: 1 },
  { name: 'a file without kernels', argv: ['wgsl', 'NOKERNELS', '--signature', 'i32'], kind: 'usage', message: 'no kernels found in NOKERNELS', code: 2 },
  // Kernels that cannot fit the target device.
  {
    name: 'too much workgroup memory',
    argv: k('big_reduction', '*fp32,*fp32,64', '--invocations', '1024', '--max-workgroup-storage', '1024'),
    kind: 'device',
    message: 'tl.sum across 1024 invocations needs 4096 bytes of workgroup memory, but the device allows 1008',
    at: { fixture: 'tl.sum(tile, 0)' },
    code: 1,
    binary: true,
  },
  { name: 'too many invocations for the target', argv: k('fine', '*fp32,i32', '--invocations', '512'), kind: 'device', message: 'kernel fine uses 512 invocations per workgroup, but the target allows 256', at: { fixture: 'function fine' }, code: 1 },
  // Bad command lines.
  { name: 'a misspelled option', argv: ['wgsl', 'FILE', '--sigature', 'i32'], kind: 'usage', message: "unknown option '--sigature'", hint: 'did you mean --signature?', code: 2, binary: true },
  { name: 'an unknown command', argv: ['compiel', 'FILE'], kind: 'usage', message: "unknown command 'compiel'", hint: 'did you mean compile?', code: 2 },
  { name: 'invocations not a power of two', argv: k('fine', '*fp32,i32', '--invocations', '100'), kind: 'usage', message: '--invocations must be a power of two from 1 to 1024, got 100', code: 2 },
  { name: 'invocations not a number', argv: k('fine', '*fp32,i32', '--invocations', 'many'), kind: 'usage', message: "--invocations takes a whole number, got 'many'", code: 2 },
  { name: 'an unknown feature', argv: k('fine', '*fp32,i32', '--features', 'subgroup'), kind: 'usage', message: "unknown feature 'subgroup' in --features; did you mean 'subgroups'?", code: 2 },
  { name: 'an unknown --dump-after stage', argv: ['ir', 'FILE', '--kernel', 'fine', '--signature', '*fp32,i32', '--dump-after', 'tilling'], kind: 'usage', message: "unknown stage 'tilling' in --dump-after; did you mean 'tiling'?", code: 2 },
  { name: 'a missing argument', argv: ['compile'], kind: 'usage', message: "missing required argument 'file'", code: 2 },
  { name: 'an unknown example', argv: ['run', 'sofmax'], kind: 'usage', message: "no example named 'sofmax'; did you mean 'softmax'?", code: 2 },
];

let file = '';
let noKernels = '';
let openComment = '';

beforeAll(() => {
  const dir = artifactDir('catalogue');
  file = writeFixture(dir, 'bad-kernels.ts', CATALOGUE_SOURCE);
  noKernels = writeFixture(dir, 'no-kernels.ts', NO_KERNELS_SOURCE);
  openComment = writeFixture(dir, 'open-comment.ts', OPEN_COMMENT_SOURCE);
});

const substitute = (text: string): string => text.replace('OPENCOMMENT', openComment).replace('NOKERNELS', noKernels).replace('FILE', file);

function expectedPosition(c: Case): { file: string; line: number; column: number } | undefined {
  if (!c.at) return undefined;
  if ('signatureColumn' in c.at) return { file: '--signature', line: 1, column: c.at.signatureColumn };
  if ('file' in c.at) return { file: substitute(c.at.file), line: c.at.line, column: c.at.column };
  const [line = 0, column = 0] = positionOf(CATALOGUE_SOURCE, c.at.fixture, c.at.after ? CATALOGUE_SOURCE.indexOf(c.at.after) : 0).split(':').map(Number);
  return { file, line, column };
}

const fragments = (m: string | readonly string[]): readonly string[] => (typeof m === 'string' ? [m] : m);

describe('CLI bad-input catalogue', () => {
  it('has at least 40 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  for (const c of cases) {
    it(`${c.name}${c.binary ? ' (binary)' : ''}`, async () => {
      const argv = c.argv.map(substitute);
      const run: CliRun = c.binary ? await runBinary(argv) : await runInProcess([...argv, '--json']);
      expectNoStackTrace(run);
      expect(run.code, `exit code; stderr:\n${run.stderr}`).toBe(c.code);
      const where = expectedPosition(c);
      if (c.binary) checkText(c, run, where);
      else checkJson(c, run, where);
    });
  }
});

/** The rendered diagnostic: `file:line:col: error[kind]: message`, then the source line and a caret at the column. */
function checkText(c: Case, run: CliRun, where: { file: string; line: number; column: number } | undefined): void {
  expect(run.stdout).toBe('');
  expect(run.stderr, 'no colors when stderr is a pipe').not.toContain('\x1b[');
  const lines = run.stderr.split('\n');
  const head = lines[0] ?? '';
  const prefix = where ? `${where.file}:${where.line}:${where.column}: ` : '';
  expect(head.startsWith(`${prefix}error[${c.kind}]: `), head).toBe(true);
  for (const fragment of fragments(c.message)) expect(head).toContain(substitute(fragment));
  if (where) {
    const text = where.file === '--signature' ? (c.argv[c.argv.indexOf('--signature') + 1] ?? '') : (CATALOGUE_SOURCE.split('\n')[where.line - 1] ?? '');
    const gutter = String(where.line);
    expect(lines[1]).toBe(`${gutter} | ${text}`);
    expect(lines[2]).toMatch(new RegExp(`^ {${gutter.length}} \\| {${where.column}}\\^+$`));
  }
  if (c.hint) expect(run.stderr).toContain(`hint: ${substitute(c.hint)}`);
  for (const more of c.more ?? []) {
    const [line, column] = positionOf(CATALOGUE_SOURCE, more.at.fixture, more.at.after ? CATALOGUE_SOURCE.indexOf(more.at.after) : 0).split(':');
    expect(run.stderr).toContain(`${file}:${line}:${column}: error[${c.kind}]: ${more.message}`);
  }
  if (c.more) expect(run.stderr).toContain(`${1 + c.more.length} errors`);
}

function checkJson(c: Case, run: CliRun, where: { file: string; line: number; column: number } | undefined): void {
  const [first, ...rest] = diagnosticsOf(run);
  expect(first, run.stdout).toBeDefined();
  if (!first) return;
  expect(first.severity).toBe('error');
  expect(first.kind).toBe(c.kind);
  for (const fragment of fragments(c.message)) expect(first.message).toContain(substitute(fragment));
  if (where) {
    expect({ file: first.file, line: first.line, column: first.column }).toEqual(where);
    expect(first.frame).toMatch(new RegExp(`^${where.line} \\| `));
  } else expect(first.line).toBeUndefined();
  if (c.hint) expect(first.hint).toContain(substitute(c.hint));
  expect(rest.length).toBe(c.more?.length ?? rest.length);
}

