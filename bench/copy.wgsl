// Copy ceiling: dst = src, vec4 loads and stores, VECS vec4s per invocation.
// Within a workgroup the k-th vec4 of every invocation is contiguous, so
// adjacent invocations touch adjacent 16-byte words on every iteration.
// The buffers hold a multiple of 4 floats.

const WG: u32 = 256u;
const VECS: u32 = 4u;

@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let base = wid.x * WG * VECS + lid;
  let n = arrayLength(&src);
  for (var k: u32 = 0u; k < VECS; k++) {
    let i = base + k * WG;
    if (i < n) {
      dst[i] = src[i];
    }
  }
}
