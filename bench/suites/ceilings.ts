// Tunes the ceilings: every copy shape (16M f32) and every FMA shape, timed
// interleaved; the fastest of each becomes the ceiling the other suites
// measure beside their kernels. The table shows all shapes, so a reader sees
// how much the choice mattered on this device.

import {
  COPY_SHAPES,
  copyWorkload,
  describeCopyShape,
  describeFmaShape,
  FMA_SHAPES,
  fmaWorkload,
} from '../ceilings.js';
import { measureWorkloads, type Measured, type Suite } from '../suite.js';
import { gbpsOf, gflopsOf } from './kernels.js';

export const CEILING_FLOATS = 16 * 1024 * 1024;

/** The shape with the highest rate (shapes may do different amounts of work). */
function fastest<T>(shapes: readonly T[], measured: readonly Measured[], rate: (m: Measured) => number): T {
  let best = 0;
  measured.forEach((m, i) => {
    const current = measured[best];
    if (current === undefined || rate(m) > rate(current)) best = i;
  });
  const shape = shapes[best];
  if (shape === undefined) throw new Error('ceilings: nothing measured');
  return shape;
}

export const ceilingsSuite: Suite = {
  name: 'ceilings',
  run: async (ctx) => {
    const { device, timer } = ctx;
    const tuning = { ...ctx, runs: Math.max(5, ctx.runs >> 1), warmup: 1 };
    const copies = await measureWorkloads(
      tuning,
      COPY_SHAPES.map((s) => copyWorkload(device, timer, CEILING_FLOATS, s)),
    );
    const fmas = await measureWorkloads(
      tuning,
      FMA_SHAPES.map((s) => fmaWorkload(device, timer, s)),
    );
    ctx.copyShape = fastest(COPY_SHAPES, copies, gbpsOf);
    ctx.fmaShape = fastest(FMA_SHAPES, fmas, gflopsOf);
    const row = (m: Measured, rate: string, chosen: boolean): string[] => [
      m.candidate.name,
      m.candidate.size,
      m.summary.median.toFixed(2),
      `${m.summary.min.toFixed(2)}-${m.summary.max.toFixed(2)}`,
      rate,
      chosen ? 'chosen' : '',
    ];
    return {
      sections: [
        {
          title: 'Ceilings (tuning: every shape, the fastest is used below)',
          header: ['kernel', 'size', 'median ms', 'min-max ms', 'rate', ''],
          rows: [
            ...copies.map((m, i) => row(m, `${gbpsOf(m).toFixed(2)} GB/s`, COPY_SHAPES[i] === ctx.copyShape)),
            ...fmas.map((m, i) => row(m, `${gflopsOf(m).toFixed(1)} GFLOP/s`, FMA_SHAPES[i] === ctx.fmaShape)),
          ],
          notes: [
            `Copy ceiling used below: ${describeCopyShape(ctx.copyShape)}. FMA ceiling: ${describeFmaShape(ctx.fmaShape)}.`,
            `Tuning runs: ${tuning.runs} per shape after ${tuning.warmup} warm-up; each suite below re-measures the chosen ceilings interleaved with its kernels.`,
          ],
        },
      ],
      targets: [],
    };
  },
};
