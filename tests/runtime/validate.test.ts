import { describe, expect, it } from 'vitest';
import { validateWgsl } from '../../runtime/validate.js';
import { addKernel, scaleKernel, testDevice } from './device-helper.js';

describe('validateWgsl', () => {
  it('finds nothing wrong in the hand-written test kernels', async () => {
    const device = await testDevice();
    for (const kernel of [scaleKernel(), addKernel('f32'), addKernel('i32'), addKernel('u32')]) {
      const report = await validateWgsl(device, kernel.wgsl);
      expect(report.errors).toEqual([]);
      expect(report.warnings).toEqual([]);
    }
  });

  it('reports an error with its position and source line', async () => {
    const device = await testDevice();
    const code = '@compute @workgroup_size(1)\nfn main() {\n  let x: i32 = 1.5;\n}\n';
    const report = await validateWgsl(device, code);
    expect(report.errors).toHaveLength(1);
    const [error] = report.errors;
    expect(error?.message).toMatch(/cannot convert value of type 'abstract-float' to type 'i32'/);
    expect(error?.line).toBe(3);
    expect(error?.column).toBe(16);
    expect(error?.lineText).toBe('  let x: i32 = 1.5;');
    expect(error?.frame).toBe('3 |   let x: i32 = 1.5;\n  |                ^^^');
  });

  it('reports warnings separately from errors', async () => {
    const device = await testDevice();
    const report = await validateWgsl(
      device,
      '@compute @workgroup_size(1)\nfn main() {\n  return;\n  var y = 1;\n}\n',
    );
    expect(report.errors).toEqual([]);
    expect(report.warnings.map((w) => w.message)).toEqual(['code is unreachable']);
  });

  it('accepts a raw GPUDevice too', async () => {
    const device = await testDevice();
    const report = await validateWgsl(device.gpu, 'fn f( {');
    expect(report.errors.length).toBeGreaterThan(0);
  });
});
