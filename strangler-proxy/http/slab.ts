/**
 * Buffers for bytes on their way out — body bytes copied out of a shared read buffer, a
 * response head framed with a small body — cut from 64 KB slabs of our own. Node's pool does
 * the same with 8 KB slabs, which at about 2 KB of such copies per proxied request meant a new
 * ArrayBuffer every few requests, each one work for the next scavenge: sweeping them was a
 * quarter of a scavenge's pause at 2,500 requests a second, and 64 KB slabs cut that to a
 * third (bench/proxy/README.md). A slab lives as long as any buffer cut from it.
 */
const SLAB_BYTES = 64 * 1024;
/** Larger buffers get their own memory, as from Node's pool. */
const LARGEST_CUT = SLAB_BYTES / 8;

let slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
let used = 0;

/** `length` bytes of uninitialised memory, for the caller alone. */
export function slabAlloc(length: number): Buffer {
  if (length > LARGEST_CUT) return Buffer.allocUnsafe(length);
  if (used + length > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    used = 0;
  }
  const out = slab.subarray(used, used + length);
  // 8-byte aligned, as Node's pool keeps its buffers.
  used = (used + length + 7) & ~7;
  return out;
}

/** A copy of `bytes` that no later write to them changes. */
export function slabCopy(bytes: Uint8Array): Buffer {
  const out = slabAlloc(bytes.length);
  out.set(bytes);
  return out;
}
