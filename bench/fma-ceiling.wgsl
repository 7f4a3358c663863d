// The arithmetic ceiling: every invocation runs 8 independent vec4 fma
// chains (32 scalar fmas per iteration) for `iterations` iterations, with no
// memory traffic but one store at the end (so nothing is optimized away).
// FLOP/s = 2 * 32 * iterations * invocations / time.

struct Params {
  iterations: u32,
}

@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(128)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let seed = f32(gid.x) * 1e-7;
  let m = vec4<f32>(0.999999, 0.9999995, 0.9999998, 0.9999993);
  let a = vec4<f32>(1e-7, 2e-7, 3e-7, 4e-7);
  var x0 = vec4<f32>(seed); var x1 = x0 + 1.0; var x2 = x0 + 2.0; var x3 = x0 + 3.0;
  var x4 = x0 + 4.0; var x5 = x0 + 5.0; var x6 = x0 + 6.0; var x7 = x0 + 7.0;
  for (var i = 0u; i < params.iterations; i++) {
    x0 = fma(x0, m, a); x1 = fma(x1, m, a); x2 = fma(x2, m, a); x3 = fma(x3, m, a);
    x4 = fma(x4, m, a); x5 = fma(x5, m, a); x6 = fma(x6, m, a); x7 = fma(x7, m, a);
  }
  out[gid.x] = x0 + x1 + x2 + x3 + x4 + x5 + x6 + x7;
}
