// Prints Tile IR as text: one op per line, `%id = kind attrs operands : type
// layout`, nested blocks indented. Used by pass tests (before/after text),
// the CLI's --dump-after, and error messages.

import { layoutToString } from './layout.js';
import type { Block, KernelIR, Op, Value, VectorAccess } from './ops.js';
import { typeToString } from './types.js';

export interface PrintOptions {
  /** Append `// line:col` to each op (off in golden pass tests for stability). */
  readonly locations?: boolean;
}

export function printKernel(kernel: KernelIR, options: PrintOptions = {}): string {
  const params = kernel.params
    .map((p) => (p.role === 'constexpr' ? `${p.name}=${String(p.constValue)}` : `${p.name}: ${p.role === 'buffer' ? '*' : ''}${p.dtype ?? '?'}${p.divisibility && p.divisibility > 1 ? `%${p.divisibility}` : ''}${p.equalToOne ? '=1' : ''}`))
    .join(', ');
  const elements = kernel.elementsPerInvocation !== undefined && kernel.elementsPerInvocation > 1 ? ` elements=${kernel.elementsPerInvocation}` : '';
  const lines = [`kernel ${kernel.name}(${params}) workgroup=${kernel.workgroupSize}${elements} {`];
  printBlock(kernel.body, 1, lines, options);
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function printBlock(block: Block, depth: number, lines: string[], options: PrintOptions): void {
  for (const op of block.ops) printOp(op, depth, lines, options);
}

const v = (value: Value): string => `%${value.id}`;

function typed(value: Value): string {
  const layout = value.type.layout ? ` ${layoutToString(value.type.layout)}` : '';
  return `${typeToString(value.type)}${layout}`;
}

/** `vector=4` (a mask constant per vector: `vector=4/m`), or nothing for scalar accesses. */
function vectorAttr(vector: VectorAccess | undefined, masked: boolean): string {
  if (!vector) return '';
  return `vector=${vector.width}${masked && vector.maskPerVector ? '/m' : ''}`;
}

function attrs(op: Op): string {
  switch (op.kind) {
    case 'constant':
      return String(op.value);
    case 'argument':
      return `${op.index} "${op.param}"`;
    case 'programId':
    case 'numPrograms':
      return String(op.axis);
    case 'arange':
      return `${op.start}, ${op.end}`;
    case 'splat':
    case 'broadcast':
    case 'reshape':
    case 'convertLayout':
    case 'cast':
      return v(op.operand);
    case 'expandDims':
      return `${v(op.operand)}, axis=${op.axis}`;
    case 'binary':
      return `${op.op} ${v(op.lhs)}, ${v(op.rhs)}`;
    case 'unary':
      return `${op.op} ${v(op.operand)}`;
    case 'fma':
      return `${v(op.a)}, ${v(op.b)}, ${v(op.c)}`;
    case 'dot':
      return `${v(op.a)}, ${v(op.b)}, acc=${v(op.acc)}`;
    case 'select':
      return `${v(op.cond)}, ${v(op.onTrue)}, ${v(op.onFalse)}`;
    case 'addptr':
      return `${v(op.ptr)}, ${v(op.offset)}`;
    case 'hint':
      return `${op.hint}=[${op.values.join(',')}] ${v(op.operand)}`;
    case 'load':
      return [v(op.ptr), op.mask ? `mask=${v(op.mask)}` : '', op.other ? `other=${v(op.other)}` : '', vectorAttr(op.vector, op.mask !== undefined)]
        .filter(Boolean)
        .join(', ');
    case 'store':
      return [v(op.ptr), v(op.value), op.mask ? `mask=${v(op.mask)}` : '', vectorAttr(op.vector, op.mask !== undefined)].filter(Boolean).join(', ');
    case 'reduce':
    case 'argReduce':
      return `${op.op} ${v(op.operand)}, axis=${op.axis}`;
    case 'yield':
      return op.values.map(v).join(', ');
    case 'for':
    case 'if':
      return '';
  }
}

function printOp(op: Op, depth: number, lines: string[], options: PrintOptions): void {
  const pad = '  '.repeat(depth);
  const loc = options.locations ? `  // ${op.span.line}:${op.span.column}` : '';
  if (op.kind === 'for') {
    const [iv, ...carried] = op.body.args;
    const iter = carried.map((a, i) => `${v(a)} = ${op.inits[i] ? v(op.inits[i]) : '?'}`).join(', ');
    const results = op.results.length ? `${op.results.map(v).join(', ')} = ` : '';
    const types = op.results.length ? ` -> (${op.results.map(typed).join(', ')})` : '';
    lines.push(`${pad}${results}for ${iv ? v(iv) : '?'} = ${v(op.lower)} to ${v(op.upper)} step ${v(op.step)} iter(${iter})${types} {${loc}`);
    printBlock(op.body, depth + 1, lines, options);
    lines.push(`${pad}}`);
    return;
  }
  if (op.kind === 'if') {
    const results = op.results.length ? `${op.results.map(v).join(', ')} = ` : '';
    const types = op.results.length ? ` -> (${op.results.map(typed).join(', ')})` : '';
    lines.push(`${pad}${results}if ${v(op.cond)}${types} {${loc}`);
    printBlock(op.thenBlock, depth + 1, lines, options);
    lines.push(`${pad}} else {`);
    printBlock(op.elseBlock, depth + 1, lines, options);
    lines.push(`${pad}}`);
    return;
  }
  const result = op.kind === 'store' || op.kind === 'yield' ? '' : `${v(op.result)} = `;
  const type = op.kind === 'store' || op.kind === 'yield' ? '' : ` : ${typed(op.result)}`;
  lines.push(`${pad}${result}${op.kind} ${attrs(op)}${type}${loc}`);
}
