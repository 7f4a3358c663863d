// Triton-style AOT signature strings: "*fp32,*fp32,*fp32,i32,1024" gives one
// entry per kernel parameter, in order: `*TYPE` a buffer of TYPE, `TYPE` a
// scalar, a number or true/false the value of a constexpr. Buffers and
// integer scalars may carry a divisibility hint (`i32:16`, `*fp32:16`): the
// value (or the buffer's element offset) is a multiple of it, as in Triton.
// Every error points at the offending characters of the signature string.

import type { MemDType } from '../compiler/ir/types.js';
import type { ArgSpec } from '../compiler/lower/lower.js';
import type { Span } from '../compiler/errors.js';
import { CliError, closestName, type Diagnostic } from './diagnostics.js';

/** Spelled as in code frames: the "file" of a signature error. */
export const SIGNATURE_FILE = '--signature';

/** Type names accepted in signatures (Triton's spelling first). */
const TYPE_NAMES: Readonly<Record<string, MemDType>> = {
  fp32: 'f32',
  f32: 'f32',
  float32: 'f32',
  i32: 'i32',
  int32: 'i32',
  u32: 'u32',
  uint32: 'u32',
};

/** Triton types WebGPU (or Tessera, for now) cannot hold, with the reason. */
const UNSUPPORTED_TYPES: Readonly<Record<string, string>> = {
  fp16: 'f16 kernels are not supported yet (WebGPU needs the shader-f16 feature for them)',
  f16: 'f16 kernels are not supported yet (WebGPU needs the shader-f16 feature for them)',
  bf16: 'WGSL has no bfloat16',
  fp64: 'WGSL has no 64-bit floats',
  f64: 'WGSL has no 64-bit floats',
  i64: 'WGSL has no 64-bit integers',
  u64: 'WGSL has no 64-bit integers',
  i8: 'WGSL has no 8-bit integers',
  u8: 'WGSL has no 8-bit integers',
  i16: 'WGSL has no 16-bit integers',
  u16: 'WGSL has no 16-bit integers',
  i1: 'booleans cannot be kernel arguments; pass an i32 (0 or 1), or true/false for a constexpr',
};

export interface SignatureEntry {
  readonly text: string;
  /** Offset of the entry's first non-space character in the signature. */
  readonly offset: number;
  readonly spec: ArgSpec;
}

/** A parameter as the signature must describe it. */
export interface SignatureParam {
  readonly name: string;
  /** Listed in the kernel's constexprs option: the signature must give a value. */
  readonly constexpr: boolean;
}

/** Parses `signature` for `params`; throws a CliError with every problem found. */
export function parseSignature(signature: string, params: readonly SignatureParam[], kernelName: string): SignatureEntry[] {
  const problems: Diagnostic[] = [];
  const fail = (start: number, end: number, message: string, hint?: string): void => {
    problems.push({ severity: 'error', kind: 'signature', message, span: signatureSpan(start, end), text: signature, ...(hint ? { hint } : {}) });
  };
  const entries: SignatureEntry[] = [];
  const raw = splitEntries(signature);
  const names = params.map((p) => p.name).join(', ');
  raw.forEach(({ text, offset }, index) => {
    const param = params[index];
    if (text === '') {
      fail(offset, offset + 1, `entry ${index + 1}${param ? ` (${param.name})` : ''} is empty; every parameter needs a type or a value`);
      return;
    }
    if (!param) return; // counted below
    const spec = parseEntry(text, offset, param, fail);
    if (spec) entries.push({ text, offset, spec });
  });
  if (raw.length > params.length && params.length >= 0) {
    const extra = raw[params.length];
    if (extra)
      fail(extra.offset, signature.length, `the signature has ${raw.length} entries, but kernel ${kernelName} has ${params.length} parameter${params.length === 1 ? '' : 's'} (${names})`, 'give exactly one entry per parameter, in order');
  } else if (raw.length < params.length) {
    const missing = params.slice(raw.length).map((p) => p.name);
    const end = signature.trimEnd().length;
    fail(end, end + 1, `the signature has ${raw.length} entr${raw.length === 1 ? 'y' : 'ies'}, but kernel ${kernelName} has ${params.length} parameters (${names}); missing: ${missing.join(', ')}`, `add ${missing.length === 1 ? 'an entry' : 'entries'} for ${missing.join(', ')}`);
  }
  if (problems.length) throw new CliError(problems);
  return entries;
}

function signatureSpan(start: number, end: number): Span {
  return { file: SIGNATURE_FILE, startOffset: start, endOffset: Math.max(end, start + 1), line: 1, column: start + 1 };
}

function splitEntries(signature: string): { text: string; offset: number }[] {
  const entries: { text: string; offset: number }[] = [];
  let start = 0;
  for (let i = 0; i <= signature.length; i++) {
    if (i < signature.length && signature[i] !== ',') continue;
    const piece = signature.slice(start, i);
    const lead = piece.length - piece.trimStart().length;
    entries.push({ text: piece.trim(), offset: piece.trim() === '' ? start : start + lead });
    start = i + 1;
  }
  return entries;
}

type Fail = (start: number, end: number, message: string, hint?: string) => void;

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;

function parseEntry(text: string, offset: number, param: SignatureParam, fail: Fail): ArgSpec | undefined {
  const end = offset + text.length;
  if (text === 'true' || text === 'false' || NUMBER.test(text) || /^0[xX][0-9a-fA-F]+$/.test(text)) {
    const value = text === 'true' ? true : text === 'false' ? false : Number(text);
    if (typeof value === 'number' && !Number.isFinite(value)) {
      fail(offset, end, `constexpr ${param.name} = ${text} is not a finite number`);
      return undefined;
    }
    return { role: 'constexpr', value };
  }
  if (/^[-+]?\d/.test(text)) {
    fail(offset, end, `'${text}' is not a number (constexpr values are numbers or true/false)`);
    return undefined;
  }
  const buffer = text.startsWith('*');
  const body = buffer ? text.slice(1).trimStart() : text;
  const bodyOffset = end - body.length;
  const colon = body.indexOf(':');
  const typeName = (colon < 0 ? body : body.slice(0, colon)).trim();
  if (typeName === '') {
    fail(bodyOffset, bodyOffset + Math.max(1, colon), `entry '${text}' for ${param.name} has no type; write e.g. ${buffer ? '*fp32' : 'i32'}`);
    return undefined;
  }
  const dtype = TYPE_NAMES[typeName];
  if (!dtype) {
    const typeEnd = bodyOffset + typeName.length;
    const why = UNSUPPORTED_TYPES[typeName];
    if (why) fail(bodyOffset, typeEnd, `type '${typeName}' of ${param.name} is not supported: ${why}`, `supported types: ${SUPPORTED}`);
    else {
      const close = closestName(typeName, Object.keys(TYPE_NAMES));
      fail(bodyOffset, typeEnd, `unknown type '${typeName}' for ${param.name}${close ? `; did you mean '${close}'?` : ''}`, `types are ${SUPPORTED}; prefix '*' for a buffer; a constexpr takes its value`);
    }
    return undefined;
  }
  if (param.constexpr) {
    fail(offset, end, `${param.name} is a constexpr (the kernel lists it in constexprs), so the signature must give its value, not a type`, `replace '${text}' with the value, e.g. ${param.name.toUpperCase() === param.name ? '1024' : '1'}`);
    return undefined;
  }
  let divisibility: number | undefined;
  if (colon >= 0) {
    const hint = body.slice(colon + 1).trim();
    const hintOffset = bodyOffset + colon;
    if (!/^\d+$/.test(hint)) {
      fail(hintOffset, end, `malformed divisibility hint '${body.slice(colon)}' on ${param.name}: write ':' and a power of two, as in ${buffer ? '*' : ''}${typeName}:16`);
      return undefined;
    }
    const n = Number(hint);
    if (n < 1 || (n & (n - 1)) !== 0) {
      fail(hintOffset + 1, end, `divisibility hint ${hint} on ${param.name} must be a power of two (Triton uses 16)`);
      return undefined;
    }
    if (!buffer && dtype === 'f32') {
      fail(hintOffset, end, `divisibility hints apply to integer scalars and buffers; ${param.name} is an fp32 scalar`);
      return undefined;
    }
    divisibility = n;
  }
  if (buffer) return divisibility === undefined ? { role: 'buffer', dtype } : { role: 'buffer', dtype, divisibility };
  return divisibility === undefined ? { role: 'scalar', dtype } : { role: 'scalar', dtype, divisibility };
}

const SUPPORTED = 'fp32, i32, u32 (aliases f32/float32, int32, uint32)';

/** The signature a kernel probably wants, for hints: constexprs get a value, *_ptr names a buffer. */
export function suggestedSignature(params: readonly SignatureParam[]): string {
  return params
    .map((p) => {
      if (p.constexpr) return p.name.toUpperCase() === p.name ? '1024' : '1';
      return /ptr$|^(x|y|z|out|output|input|a|b|c)$/i.test(p.name) ? '*fp32' : 'i32';
    })
    .join(',');
}

/** The signature text of specs, normalized (Triton's spellings). */
export function formatSignature(specs: readonly ArgSpec[]): string {
  const typeName = (d: MemDType): string => (d === 'f32' ? 'fp32' : d);
  return specs
    .map((s) => {
      if (s.role === 'constexpr') return String(s.value);
      const hint = s.divisibility !== undefined ? `:${s.divisibility}` : '';
      return `${s.role === 'buffer' ? '*' : ''}${typeName(s.dtype)}${hint}`;
    })
    .join(',');
}
