// Edge cases found in review, each once broken: a loop whose step is only
// known at run time (WGSL once parsed its condition as a template list),
// tl.cdiv of constexprs as a loop bound, ordering comparisons of masks (WGSL
// has none on bool), integer tiles divided by a constant zero (WGSL rejects
// the constant expression), and `other` with a mask that is all-true at
// compile time. Sources are strings: some forms do not type-check as TS.

import { describe, it } from 'vitest';
import { kernel } from '../../index.js';
import { cdiv, expectExact, poisoned, readI32, run, testDevice } from './helpers.js';

describe('edge cases', () => {
  it('runs tl.range with a step known only at run time, in both directions', async () => {
    const device = await testDevice();
    const k = kernel(`function steps(out, start, end, step) {
  let count = 0;
  let total = 0;
  for (const i of tl.range(start, end, step)) {
    count += 1;
    total += i;
  }
  tl.store(out + tl.arange(0, 2), tl.where(tl.arange(0, 2) == 0, count, total));
}`);
    for (const [start, end, step] of [[0, 10, 3], [10, 0, -3], [5, 5, 1], [-4, 9, 5]] as const) {
      const out = poisoned(device, 'i32', 2);
      await run(k, 1, [out, start, end, step]);
      let count = 0;
      let total = 0;
      for (let i = start; step > 0 ? i < end : i > end; i += step) [count, total] = [count + 1, total + i];
      expectExact(`range(${start}, ${end}, ${step})`, await readI32(out), [count, total]);
    }
  });

  it('takes tl.cdiv of constexprs as a loop bound', async () => {
    const device = await testDevice();
    const k = kernel(`function chunks(out, N, B) {
  let n = 0;
  for (let i = 0; i < tl.cdiv(N, B); i++) {
    n += 1;
  }
  tl.store(out, n);
}`, { constexprs: ['N', 'B'] });
    const out = poisoned(device, 'i32', 1);
    await run(k, 1, [out, 10, 4]);
    expectExact('cdiv(10, 4)', await readI32(out), [cdiv(10, 4)]);
  });

  it('orders masks as integers (false < true), as Triton does', async () => {
    const device = await testDevice();
    const k = kernel(`function order(x, out) {
  const o = tl.arange(0, 8);
  const a = tl.load(x + o);
  const lt = (a > 1) < (a > 4);
  const ge = (a > 4) >= (a > 1);
  tl.store(out + o, tl.cast(lt, tl.int32) * 2 + tl.cast(ge, tl.int32));
}`);
    const values = [0, 1, 2, 3, 4, 5, 6, -1];
    const x = device.tensor(Int32Array.from(values));
    const out = poisoned(device, 'i32', 8);
    await run(k, 1, [x, out]);
    const expected = values.map((a) => Number(Number(a > 1) < Number(a > 4)) * 2 + Number(Number(a > 4) >= Number(a > 1)));
    expectExact('mask order', await readI32(out), expected);
  });

  it('divides integer tiles by a constant zero as WGSL does at run time (x / 0 = x, x % 0 = 0)', async () => {
    const device = await testDevice();
    const k = kernel(`function byZero(out) {
  const o = tl.arange(0, 4);
  const seven = tl.full([4], 7, tl.int32);
  const zero = tl.zeros([4], tl.int32);
  tl.store(out + o, seven / zero);
  tl.store(out + 4 + o, seven % zero);
}`);
    const out = poisoned(device, 'i32', 8);
    await run(k, 1, [out]);
    expectExact('7 / 0 and 7 % 0', await readI32(out), [7, 7, 7, 7, 0, 0, 0, 0]);
  });

  it("accepts 'other' with a mask that is all-true at compile time", async () => {
    const device = await testDevice();
    const k = kernel(`function allTrue(x, out, EVEN) {
  const o = tl.arange(0, 4);
  const v = tl.load(x + o, { mask: EVEN || o < 3, other: -1 });
  tl.store(out + o, v);
}`, { constexprs: ['EVEN'] });
    const x = device.tensor(Int32Array.from([5, 6, 7, 8]));
    for (const even of [true, false]) {
      const out = poisoned(device, 'i32', 4);
      await run(k, 1, [x, out, even]);
      expectExact(`EVEN=${even}`, await readI32(out), even ? [5, 6, 7, 8] : [5, 6, 7, -1]);
    }
  });
});
