// What compile, ir and wgsl share: read the user's file, find and pick the
// kernel, parse it in file coordinates (every syntax error at once), read the
// signature, and compile one specialization with the command's settings.
// Problems come back as Diagnostics, never as stack traces.

import { readFileSync, statSync } from 'node:fs';
import { compileFunction, type CompileOptions, type CompileResult } from '../compiler/compile.js';
import { TesseraError } from '../compiler/errors.js';
import type { KernelFunction } from '../compiler/frontend/ast.js';
import { frameSource, parseKernelAll } from '../compiler/frontend/parse.js';
import type { KernelIR } from '../compiler/ir/ops.js';
import type { ArgSpec } from '../compiler/lower/lower.js';
import { CliError, closestName, fromTesseraError, usageError, type Diagnostic } from './diagnostics.js';
import { findKernels, type FoundKernel } from './find-kernels.js';
import { positionOf, type Unterminated } from './scan.js';
import type { TargetSettings } from './options.js';
import { parseSignature, suggestedSignature, type SignatureParam } from './signature.js';

export interface SourceFile {
  /** The path as the user gave it (shown in diagnostics). */
  readonly path: string;
  readonly text: string;
}

export function readSourceFile(path: string): SourceFile {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new CliError({ severity: 'error', kind: 'file', message: `${path} is a directory; give a .ts or .js file with kernels` });
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : error instanceof Error ? error.message : String(error);
    throw new CliError({ severity: 'error', kind: 'file', message: `cannot read ${path}: ${why}` });
  }
  return { path, text };
}

/** The kernels of the file that the command is about: `--kernel NAME`, or the only one. */
export function pickKernel(file: SourceFile, name: string | undefined): FoundKernel {
  const unterminated: Unterminated[] = [];
  const found = findKernels(file.text, unterminated);
  // An open comment or template hides the rest of the file: say so, rather than "no such kernel".
  const hidden = unterminated.map((u): Diagnostic => {
    const { line, column } = positionOf(file.text, u.offset);
    const close = u.what === 'comment' ? "add the closing '*/'" : 'add the closing backquote';
    const span = { file: file.path, line, column, startOffset: u.offset, endOffset: u.offset + (u.what === 'comment' ? 2 : 1) };
    return { severity: 'error', kind: 'syntax', message: `unterminated ${u.what}: it runs to the end of the file and hides everything after it; ${close}`, span, text: file.text };
  });
  const missing = name !== undefined && !found.some((k) => k.name === name || k.binding === name);
  if (hidden.length > 0 && (found.length === 0 || missing)) throw new CliError(hidden);
  if (found.length === 0)
    throw new CliError({
      severity: 'error',
      kind: 'usage',
      message: `no kernels found in ${file.path}`,
      hint: "Tessera looks for kernel(function name(...) { ... }, { ... }) calls and for top-level functions that use tl.*",
    });
  const label = (k: FoundKernel): string => (k.binding ? `${k.name} (${k.binding})` : k.name);
  const list = found.map(label).join(', ');
  if (name === undefined) {
    const only = found[0];
    if (found.length === 1 && only) return only;
    throw usageError(`${file.path} has ${found.length} kernels (${list}); pick one with --kernel NAME`);
  }
  const match = found.find((k) => k.name === name || k.binding === name);
  if (match) return match;
  const close = closestName(name, found.flatMap((k) => (k.binding ? [k.name, k.binding] : [k.name])));
  throw usageError(`no kernel named '${name}' in ${file.path}${close ? `; did you mean '${close}'?` : ''}`, `kernels found: ${list}`);
}

/** Parses the kernel in file coordinates; every syntax error of it at once. */
export function parseFoundKernel(file: SourceFile, found: FoundKernel): { fn: KernelFunction; source: string } {
  const offsets = { lineOffset: found.line - 1, columnOffset: found.column - 1 };
  const { kernel, errors } = parseKernelAll(found.source, file.path, offsets);
  if (errors.length > 0 || !kernel) throw new CliError(errors.map((e) => fromTesseraError(e, file.text)));
  // The compiler's own frames and WGSL source comments index into this text by file line.
  const source = frameSource(found.source, offsets);
  return { fn: kernel.name === '' ? { ...kernel, name: found.name } : kernel, source };
}

export function signatureParams(fn: KernelFunction, found: FoundKernel): SignatureParam[] {
  const constexprs = new Set(found.options.constexprs ?? []);
  return fn.params.map((p) => ({ name: p.name, constexpr: constexprs.has(p.name) || constexprs.has(p.name.replace(/\d+$/, '')) }));
}

/** The argument specs from --signature; a usage error with a suggestion when it is missing. */
export function specsFor(signature: string | undefined, fn: KernelFunction, found: FoundKernel): ArgSpec[] {
  const params = signatureParams(fn, found);
  if (signature === undefined)
    throw usageError(
      `kernel ${fn.name} needs --signature: one entry per parameter (${params.map((p) => p.name).join(', ')}), because Tessera specializes on argument types as Triton does`,
      `for example --signature "${suggestedSignature(params)}" (*fp32 a buffer, i32 a scalar, a number a constexpr)`,
    );
  return parseSignature(signature, params, fn.name).map((e) => e.spec);
}

export interface Built {
  readonly file: SourceFile;
  readonly found: FoundKernel;
  readonly fn: KernelFunction;
  readonly specs: readonly ArgSpec[];
  readonly result: CompileResult;
  /** Things worth saying that did not stop the build (e.g. options the CLI could not read). */
  readonly warnings: readonly Diagnostic[];
}

/** Settings the compiler gets from the command line. Fields issue-3's compiler reads are passed through. */
interface CliCompileOptions extends CompileOptions {
  readonly elementsPerInvocation?: number;
  readonly features?: readonly string[];
}

export function buildKernel(
  file: SourceFile,
  found: FoundKernel,
  signature: string | undefined,
  target: TargetSettings,
  onStage?: (stage: string, ir: KernelIR) => void,
): Built {
  const { fn, source } = parseFoundKernel(file, found);
  const specs = specsFor(signature, fn, found);
  const invocations = target.invocations ?? found.options.invocations;
  const options: CliCompileOptions = {
    file: file.path,
    limits: { workgroupStorageBytes: target.maxWorkgroupStorage },
    ...(invocations !== undefined ? { invocations } : {}),
    ...(found.options.namespace ? { namespace: found.options.namespace } : {}),
    ...(target.elementsPerInvocation !== undefined ? { elementsPerInvocation: target.elementsPerInvocation } : {}),
    features: target.features,
    ...(onStage ? { onStage } : {}),
  };
  let result: CompileResult;
  try {
    result = compileFunction(fn, source, specs, options);
  } catch (error) {
    if (error instanceof TesseraError) throw new CliError(fromTesseraError(error, file.text, hintFor(error, fn, specs)));
    throw error;
  }
  checkTargetLimits(result, fn, file, target);
  const warnings: Diagnostic[] = found.optionsProblem
    ? [{ severity: 'warning', kind: 'usage', message: `the options of kernel ${fn.name} were only partly read: ${found.optionsProblem}`, hint: 'the CLI reads options without running the file; the signature decides which parameters are constexprs', span: { ...fn.span, endOffset: fn.span.startOffset + 8 }, text: file.text }]
    : [];
  return { file, found, fn, specs, result, warnings };
}

/** What the CLI knows how to fix that the compiler's message cannot say. */
function hintFor(error: TesseraError, fn: KernelFunction, specs: readonly ArgSpec[]): string | undefined {
  if (error.kind !== 'constexpr') return undefined;
  const index = fn.params.findIndex((p, i) => specs[i]?.role !== 'constexpr' && error.detail.includes(`'${p.name}'`));
  const param = fn.params[index];
  if (!param) return undefined;
  return `${param.name} must be a constexpr: give its value in the signature (entry ${index + 1}, e.g. 1024) and add it to the kernel's constexprs`;
}

/** The target device's limits (WebGPU's defaults unless raised): a kernel that cannot fit is an error here, not at launch. */
function checkTargetLimits(result: CompileResult, fn: KernelFunction, file: SourceFile, target: TargetSettings): void {
  const m = result.manifest;
  const problems: Diagnostic[] = [];
  const at = { span: { ...fn.span, endOffset: fn.span.startOffset + 8 }, text: file.text };
  if (m.workgroupSize > target.maxInvocations)
    problems.push({
      severity: 'error',
      kind: 'device',
      message: `kernel ${fn.name} uses ${m.workgroupSize} invocations per workgroup, but the target allows ${target.maxInvocations} (maxComputeInvocationsPerWorkgroup)`,
      hint: `use --invocations ${target.maxInvocations} or fewer, or --max-invocations N if every device you ship to allows N`,
      ...at,
    });
  if (m.buffers.length > target.maxStorageBuffers)
    problems.push({
      severity: 'error',
      kind: 'device',
      message: `kernel ${fn.name} binds ${m.buffers.length} storage buffers, but the target allows ${target.maxStorageBuffers} (maxStorageBuffersPerShaderStage)`,
      ...at,
    });
  if (problems.length) throw new CliError(problems);
}
