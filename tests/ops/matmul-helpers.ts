// Shared by the dot tests that run the matmul tutorial: one run on the test
// device against the float64 reference, keeping the compile result (its WGSL
// validated by Dawn) for assertions on the generated code.

import type { CompileResult } from '../../index.js';
import * as matmul from '../../examples/matmul.js';
import { expectValidWgsl, testDevice } from './helpers.js';

export async function runMatmulAndCompile(sizes: matmul.MatmulSizes): Promise<{ r: Awaited<ReturnType<typeof matmul.run>>; compiled: CompileResult }> {
  let compiled: CompileResult | undefined;
  const r = await matmul.run(await testDevice(), sizes, { onCompiled: (c) => (compiled = c) });
  if (!compiled) throw new Error('no compile result');
  await expectValidWgsl(await testDevice(), compiled);
  return { r, compiled };
}
