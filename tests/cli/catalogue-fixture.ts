// The file of bad kernels the CLI catalogue compiles (written to disk by the
// test; a string here so that the type checker never sees these mistakes).
// Each kernel has one kind of mistake; the catalogue picks it with --kernel.

export const CATALOGUE_SOURCE = `import { kernel, tl } from 'tessera';

// ---- syntax ----
export function missing_operand(x_ptr, n) {
  const a = tl.load(x_ptr + );
}

export function two_syntax_errors(x_ptr, n) {
  const a = (1 + ;
  tl.store(x_ptr, 1.0 *);
}

export function stray_character(x_ptr, n) {
  const a = 1 # 2;
  tl.store(x_ptr, a);
}

export function unterminated_string(x_ptr, n) {
  const s = 'oops;
  tl.store(x_ptr, 1.0);
}

export function missing_paren(x_ptr, n) {
  if (n > 0 {
    tl.store(x_ptr, 1.0);
  }
}

// ---- unsupported ----
export function uses_switch(x_ptr, n) {
  switch (n) { case 1: tl.store(x_ptr, 1.0); }
}

export function uses_try(x_ptr, n) {
  try { tl.store(x_ptr, 1.0); } catch (e) {}
}

export function uses_closure(x_ptr, n) {
  const f = (a) => a + 1;
  tl.store(x_ptr, 1.0);
}

export function uses_string(x_ptr, n) {
  const s = 'hello';
  tl.store(x_ptr, 1.0);
}

export function uses_object(x_ptr, n) {
  const o = { a: 1 };
  tl.store(x_ptr, 1.0);
}

// ---- names ----
export function snake_case_program_id(x_ptr, n) {
  const pid = tl.program_id(0);
  tl.store(x_ptr + pid, 1.0);
}

export function misspelled_arange(x_ptr, n) {
  const offs = tl.arnge(0, 16);
  tl.store(x_ptr + offs, 1.0);
}

export function undefined_variable(x_ptr, n) {
  const offs = tl.arange(0, 16);
  tl.store(x_ptr + offs, scale);
}

export function missing_namespace(x_ptr, n) {
  const offs = arange(0, 16);
  tl.store(x_ptr + offs, 1.0);
}

export function duplicate_parameter(x_ptr, x_ptr) {
  tl.store(x_ptr, 1.0);
}

// ---- arity ----
export function arange_one_argument(x_ptr, n) {
  const offs = tl.arange(16);
  tl.store(x_ptr + offs, 1.0);
}

export function store_one_argument(x_ptr, n) {
  tl.store(x_ptr);
}

// ---- shapes ----
export function arange_not_power_of_two(x_ptr, n) {
  const offs = tl.arange(0, 100);
  tl.store(x_ptr + offs, 1.0);
}

export function broadcast_mismatch(x_ptr, n) {
  const a = tl.arange(0, 128);
  const b = tl.arange(0, 64);
  tl.store(x_ptr + a, a + b);
}

export function reduce_bad_axis(x_ptr, n) {
  const a = tl.load(x_ptr + tl.arange(0, 16));
  tl.store(x_ptr, tl.sum(a, 1));
}

// ---- types ----
export function exp_of_int(x_ptr, n) {
  const offs = tl.arange(0, 16);
  tl.store(x_ptr + offs, tl.exp(offs));
}

export function bitand_float(x_ptr, n) {
  const a = tl.load(x_ptr + tl.arange(0, 16));
  tl.store(x_ptr + tl.arange(0, 16), a & 1);
}

export function float_offsets(x_ptr, n) {
  const a = tl.load(x_ptr + tl.arange(0, 16));
  tl.store(x_ptr + a, 1.0);
}

// ---- constexpr ----
export function runtime_block(x_ptr, n, BLOCK) {
  const offs = tl.arange(0, BLOCK);
  tl.store(x_ptr + offs, 1.0, { mask: offs < n });
}

export const declared = kernel(
  function declared_constexpr(x_ptr, n, BLOCK) {
    const offs = tl.arange(0, BLOCK);
    tl.store(x_ptr + offs, 1.0, { mask: offs < n });
  },
  { constexprs: ['BLOCK'] },
);

// ---- device limits ----
export function big_reduction(x_ptr, out_ptr, BLOCK) {
  const rows = tl.arange(0, BLOCK);
  const cols = tl.arange(0, 64);
  const tile = tl.load(x_ptr + tl.expandDims(rows, 1) * 64 + tl.expandDims(cols, 0));
  tl.store(out_ptr + cols, tl.sum(tile, 0));
}

export function fine(x_ptr, n) {
  const offs = tl.programId(0) * 128 + tl.arange(0, 128);
  tl.store(x_ptr + offs, 1.0, { mask: offs < n });
}
`;

/** A kernel whose comment never closes: it hides the rest of the file. */
export const OPEN_COMMENT_SOURCE = `import { tl } from 'tessera';

export function open_comment(x_ptr, n) {
  /* the block size
  tl.store(x_ptr, 1.0);
}
`;

/** A file with no kernels at all. */
export const NO_KERNELS_SOURCE = `export const answer = 42;\nexport function helper(a: number): number {\n  return a * 2;\n}\n`;
