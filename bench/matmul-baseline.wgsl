// Hand-written register-tiled matmul baseline: C[M,N] = A[M,K] x B[K,N], all
// row-major f32. Each invocation computes 8 rows x 4 columns of C (one vec4
// of C per row), reading A and B straight from global memory with vec4 loads
// (no workgroup memory): per step of 4 along K, 8 vec4 loads of A and 4 of B
// feed 32 vec4 fmas (128 scalar fmas). A workgroup of 16 x 8 invocations
// covers a 64 x 64 block of C.
// Assumes M % 64 == 0, N % 64 == 0 and K % 4 == 0 (the benchmark's sizes).

struct Dims {
  M: u32,
  N: u32,
  K: u32,
}

@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> dims: Dims;

@compute @workgroup_size(16, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let col4 = gid.x;
  let row0 = gid.y * 8u;
  let k4s = dims.K / 4u;
  let n4s = dims.N / 4u;
  var acc: array<vec4<f32>, 8>;
  for (var k4 = 0u; k4 < k4s; k4++) {
    let b0 = B[(k4 * 4u + 0u) * n4s + col4];
    let b1 = B[(k4 * 4u + 1u) * n4s + col4];
    let b2 = B[(k4 * 4u + 2u) * n4s + col4];
    let b3 = B[(k4 * 4u + 3u) * n4s + col4];
    for (var r = 0u; r < 8u; r++) {
      let a = A[(row0 + r) * k4s + k4];
      acc[r] = fma(vec4<f32>(a.x), b0, acc[r]);
      acc[r] = fma(vec4<f32>(a.y), b1, acc[r]);
      acc[r] = fma(vec4<f32>(a.z), b2, acc[r]);
      acc[r] = fma(vec4<f32>(a.w), b3, acc[r]);
    }
  }
  for (var r = 0u; r < 8u; r++) {
    C[(row0 + r) * n4s + col4] = acc[r];
  }
}
