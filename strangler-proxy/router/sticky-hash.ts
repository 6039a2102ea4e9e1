/**
 * Which side of a split a request lands on. With a sticky key the bucket is a hash of the
 * route id and the key (FNV-1a, 32 bit), so one user always lands on the same side while
 * the weight stays the same, and raising the weight only moves users towards the service.
 */
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

export function fnv1a(text: string, seed = FNV_OFFSET): number {
  let hash = seed;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, FNV_PRIME);
  }
  return hash >>> 0;
}

/** A bucket in [0, 10000): the split's resolution is 0.01 %. */
export function stickyBucket(routeId: string, key: string): number {
  return fnv1a(key, fnv1a(routeId)) % 10_000;
}

/** Divert when the bucket falls under the weight (a percentage, 0..100). */
export function divertFor(weight: number, bucket: number): boolean {
  return bucket < Math.round(weight * 100);
}
