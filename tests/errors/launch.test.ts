// Launch errors: wrong arguments or grids given to kernel.launch, caught
// before anything reaches the GPU, as LaunchErrors of kind 'launch' whose
// message names the kernel or argument and says how to fix the call. Compile
// errors found at a launch keep the kernel's file label and code frame.

import { describe, expect, it } from 'vitest';
import { CompileError, LaunchError, TesseraError } from '../../compiler/errors.js';
import { kernel, type GridSpec, type KernelArgsInput } from '../../compiler/kernel.js';
import { tl as tlImport } from '../../compiler/tl.js';
import { dispatch } from '../../runtime/dispatch.js';
import type { TesseraDevice } from '../../runtime/device.js';
import { testDevice } from '../runtime/device-helper.js';
import { expectError } from './helpers.js';

const addSource = `function add(x, y, out, n, BLOCK) {
  const offs = tl.programId(0) * BLOCK + tl.arange(0, BLOCK);
  const mask = offs < n;
  tl.store(out + offs, tl.load(x + offs, { mask }) + tl.load(y + offs, { mask }), { mask });
}`;

// Vitest rewrites references to imported bindings (tl -> __vite_ssr_import_N__.tl)
// in fn.toString(); a module-level binding keeps `tl` as written.
const tl = tlImport;

async function rejection(promise: Promise<unknown>): Promise<TesseraError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TesseraError) return error;
    throw new Error(`expected a TesseraError, got ${error instanceof Error ? error.stack : String(error)}`);
  }
  throw new Error('expected the launch to fail');
}

/** A LaunchError of kind 'launch' with these fragments, and no stack frames in its message. */
function expectLaunchError(error: TesseraError, fragments: readonly string[], kind: 'launch' | 'device' = 'launch'): void {
  expect(error).toBeInstanceOf(LaunchError);
  expect(error.kind).toBe(kind);
  expect(error.message.startsWith(`${kind} error: `)).toBe(true);
  for (const f of fragments) expect(error.message).toContain(f);
  expect(error.message).not.toMatch(/^\s+at /m);
}

async function setup(): Promise<{ device: TesseraDevice; args: { x: ReturnType<TesseraDevice['tensor']>; y: ReturnType<TesseraDevice['tensor']>; out: ReturnType<TesseraDevice['empty']>; n: number; BLOCK: number } }> {
  const device = await testDevice();
  const n = 100;
  return {
    device,
    args: { x: device.tensor(new Float32Array(n).fill(1)), y: device.tensor(new Float32Array(n).fill(2)), out: device.empty('f32', n), n, BLOCK: 128 },
  };
}

describe('launch errors', () => {
  const add = kernel(addSource, { constexprs: ['BLOCK'] });

  it('a correct launch works (the baseline the other cases break)', async () => {
    const { args } = await setup();
    await add.launch([1], args, { wait: true });
    expect(Array.from(await args.out.read())).toEqual(new Array(100).fill(3));
  });

  const bad: { name: string; grid?: GridSpec; args: (a: Awaited<ReturnType<typeof setup>>['args']) => KernelArgsInput; expect: string[] }[] = [
    {
      name: 'too few positional arguments',
      args: (a) => [a.x, a.y, a.out, a.n],
      expect: ['add takes 5 arguments (x, y, out, n, BLOCK), got 4'],
    },
    {
      name: 'too many positional arguments',
      args: (a) => [a.x, a.y, a.out, a.n, a.BLOCK, 1],
      expect: ['add takes 5 arguments', 'got 6'],
    },
    {
      name: 'an unknown named argument',
      args: (a) => ({ ...a, z: 1 }),
      expect: ["add has no parameter 'z'", 'its parameters are x, y, out, n, BLOCK'],
    },
    {
      name: 'a missing named argument',
      args: (a) => ({ x: a.x, y: a.y, out: a.out, BLOCK: a.BLOCK }),
      expect: ["add is missing argument 'n'", '(expected x, y, out, n, BLOCK)'],
    },
    {
      name: 'a tensor given for a constexpr',
      args: (a) => ({ ...a, BLOCK: a.x }),
      expect: ["constexpr 'BLOCK' must be a number or boolean known at launch", 'got a tensor of dtype f32'],
    },
    {
      name: 'a boolean for a runtime parameter',
      args: (a) => ({ ...a, n: true }),
      expect: ["argument 'n' is a boolean", "add 'n' to constexprs, or pass 0/1"],
    },
    {
      name: 'a typed array instead of a tensor',
      args: (a) => ({ ...a, x: new Float32Array(4) as never }),
      expect: ["argument 'x' must be a Tensor", 'got a Float32Array (upload it with device.tensor(...) first)'],
    },
    {
      name: 'a string argument',
      args: (a) => ({ ...a, n: 'ten' as never }),
      expect: ["argument 'n' must be a Tensor, a number", 'got the string "ten"'],
    },
    {
      name: 'a grid with no dimensions',
      grid: [],
      args: (a) => a,
      expect: ['the grid of kernel add must have 1 to 3 dimensions', 'got 0'],
    },
    {
      name: 'a grid with 4 dimensions',
      grid: [1, 1, 1, 1],
      args: (a) => a,
      expect: ['must have 1 to 3 dimensions', 'got 4: [1, 1, 1, 1]'],
    },
    {
      name: 'a zero grid dimension',
      grid: [0],
      args: (a) => a,
      expect: ["grid[0] of kernel 'add' is 0; every grid dimension must be a positive integer"],
    },
    {
      name: 'a fractional grid dimension',
      grid: 2.5,
      args: (a) => a,
      expect: ["grid[0] of kernel 'add' is 2.5"],
    },
    {
      name: 'a grid over the 65535 workgroups-per-dimension limit',
      grid: [65536],
      args: (a) => a,
      expect: ["grid[0] of kernel 'add' is 65536", 'maxComputeWorkgroupsPerDimension (65535)', 'use a bigger block'],
    },
    {
      name: 'a second grid dimension over the limit',
      grid: [1, 70000],
      args: (a) => a,
      expect: ["grid[1] of kernel 'add' is 70000"],
    },
    {
      name: 'a grid function that throws',
      grid: () => {
        throw new Error('no size');
      },
      args: (a) => a,
      expect: ['the grid function of kernel add threw: no size'],
    },
    {
      name: 'the same tensor as input and output',
      args: (a) => ({ ...a, out: a.x }),
      expect: ["tensor arguments 'x' (read) and 'out' (read_write)", 'share one GPU buffer'],
    },
  ];

  for (const c of bad) {
    it(c.name, async () => {
      const { args } = await setup();
      const error = await rejection(add.launch(c.grid ?? [1], c.args(args)));
      expectLaunchError(error, c.expect);
    });
  }

  it("a scalar outside the dtype the kernel's types option declares", async () => {
    const { args } = await setup();
    const unsigned = kernel(addSource, { constexprs: ['BLOCK'], types: { n: 'u32' } });
    expectLaunchError(await rejection(unsigned.launch([1], { ...args, n: -1 })), ["scalar argument 'n' of kernel 'add' must be u32", '-1 is outside the u32 range']);
    const signed = kernel(addSource, { constexprs: ['BLOCK'], types: { n: 'i32' } });
    expectLaunchError(await rejection(signed.launch([1], { ...args, n: 1.5 })), ["scalar argument 'n' of kernel 'add' must be i32", '1.5 is not an integer']);
  });

  it('a tensor of another dtype than the compiled specialization expects', async () => {
    // kernel.launch respecializes on dtypes, so the runtime's own check is
    // reached by dispatching a compiled specialization with other tensors.
    const { device, args } = await setup();
    const compiled = add.compile(args, { device });
    const ints = device.tensor(new Int32Array(100));
    const error = await rejection(dispatch(device, compiled, { tensors: { x: ints, y: args.y, out: args.out }, scalars: { n: 100 }, grid: [1] }));
    expectLaunchError(error, ["tensor argument 'x' of kernel 'add' is a i32 tensor, but the kernel was compiled for f32"]);
  });

  it('invalid invocations per workgroup', async () => {
    const { args } = await setup();
    expectLaunchError(await rejection(add.launch([1], args, { invocations: 100 })), ['invocations must be a power of two from 1 to 1024', 'got 100']);
  });

  it('options naming parameters the kernel does not have fail at kernel()', () => {
    const fail = (run: () => unknown): TesseraError => {
      try {
        run();
      } catch (error) {
        if (error instanceof TesseraError) return error;
      }
      throw new Error('expected a TesseraError');
    };
    expectLaunchError(fail(() => kernel(addSource, { constexprs: ['BLOK'] })), ["constexprs names 'BLOK', but kernel add has no such parameter", 'parameters: x, y, out, n, BLOCK']);
    expectLaunchError(fail(() => kernel(addSource, { types: { q: 'i32' } })), ["types names 'q', but kernel add has no such parameter"]);
    expectLaunchError(fail(() => kernel(addSource, { params: ['a'] })), ['params lists 1 name, but kernel add has 5 parameters (x, y, out, n, BLOCK)']);
  });

  it('a compile error found at launch carries the <kernel name> label and a frame', async () => {
    const { args } = await setup();
    const typo = addSource.replace('tl.arange', 'tl.arang');
    const error = await rejection(kernel(typo, { constexprs: ['BLOCK'] }).launch([1], args));
    expect(error).toBeInstanceOf(CompileError);
    expectError(error, typo, { kind: 'name', message: "did you mean 'tl.arange'?", at: '2:42', under: 'tl.arang', file: '<kernel add>' });
  });

  it('a constexpr value that makes the kernel invalid is reported at the op it breaks', async () => {
    const { args } = await setup();
    const error = await rejection(add.launch([1], { ...args, BLOCK: 100 }));
    expectError(error, addSource, { kind: 'shape', message: 'arange(0, 100) has 100 elements', at: '2:42', under: 'tl.arange(0, BLOCK)', file: '<kernel add>' });
  });

  it('a kernel written as a function reports positions in its own source text', async () => {
    const { args } = await setup();
    function store1(x: number, n: number, BLOCK: number): void {
      const offs = tl.arange(0, BLOCK);
      tl.store(x + offs, 1.0, { mask: offs < n });
    }
    // Line and column are those of fn.toString() (what the compiler sees
    // after the test runner stripped the types).
    const text = store1.toString();
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('tl.arange'));
    const column = (lines[line] ?? '').indexOf('tl.arange') + 1;
    const error = await rejection(kernel(store1, { constexprs: ['BLOCK'] }).launch([1], { x: args.out, n: 100, BLOCK: 48 }));
    expectError(error, text, { kind: 'shape', message: 'arange(0, 48) has 48 elements', at: `${line + 1}:${column}`, file: '<kernel store1>' });
  });

  it('a tl import rewritten by the test runner gets a message that says so', async () => {
    const { args } = await setup();
    function rewritten(x: number): void {
      tlImport.store(x, 1.0);
    }
    // The runner turns the imported binding into __vite_ssr_import_N__.tl, so
    // the compiler sees `__vite_ssr_import_N__.tl.store(x, 1)`: what a user who
    // imports tl and passes a function to kernel() under Vite/Vitest gets.
    const error = await rejection(kernel(rewritten).launch([1], { x: args.out }));
    expect(error.kind).toBe('name');
    expect(error.detail).toMatch(/^'__vite_ssr_import_\d+__\.tl' is how a bundler or test runner/);
    expect(error.detail).toContain('bind it to a module-level name first');
  });
});
