/**
 * Small pure hashes (src/jobs may not import node:crypto). Not cryptographic: they compare
 * replicas and spread jitter, neither of which faces an adversary.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const C3 = 0x85ebca77;
const C4 = 0xc2b2ae3d;

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * A streaming 64-bit hash: two murmur3-style 32-bit lanes with different constants over 4-byte
 * words, cross-mixed at the end. The result depends on how the input is split into `update`
 * calls, so callers must split deterministically (the digest does: it flushes at job boundaries).
 */
export class Hasher64 {
  private h1 = 0x9747b28c;
  private h2 = 0x2f4b6b43;
  private length = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    let h1 = this.h1;
    let h2 = this.h2;
    const end4 = start + ((end - start) & ~3);
    let i = start;
    for (; i < end4; i += 4) {
      const k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
      let k1 = Math.imul(k, C1);
      k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
      h1 ^= k1;
      h1 = (Math.imul((h1 << 13) | (h1 >>> 19), 5) + 0xe6546b64) | 0;
      let k2 = Math.imul(k, C3);
      k2 = Math.imul((k2 << 13) | (k2 >>> 19), C4);
      h2 ^= k2;
      h2 = (Math.imul((h2 << 17) | (h2 >>> 15), 5) + 0x561ccd1b) | 0;
    }
    if (i < end) {
      let k = 0;
      for (let shift = 0; i < end; i++, shift += 8) k |= bytes[i]! << shift;
      h1 ^= Math.imul(Math.imul(k, C1), C2);
      h2 ^= Math.imul(Math.imul(k, C3), C4);
    }
    this.h1 = h1;
    this.h2 = h2;
    this.length += end - start;
    return this;
  }

  /** 16 lowercase hex digits. */
  hex(): string {
    const len = this.length >>> 0;
    let h1 = fmix32(this.h1 ^ len);
    let h2 = fmix32(this.h2 ^ Math.imul(len, 0x9e3779b1));
    h1 = (h1 + h2) >>> 0;
    h2 = (h2 + h1) >>> 0;
    return fmix32(h1).toString(16).padStart(8, '0') + fmix32(h2).toString(16).padStart(8, '0');
  }
}

/** 64-bit hex hash of a whole byte array. */
export function hashBytes(bytes: Uint8Array): string {
  return new Hasher64().update(bytes).hex();
}

/** A number in [0, 1) from a string and an integer: FNV-1a then a murmur3 finalizer. */
export function unitHash(s: string, n: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= n | 0;
  h = Math.imul(h, 0x01000193);
  h ^= Math.floor(n / 4294967296) | 0;
  h = Math.imul(h, 0x01000193);
  return fmix32(h) / 4294967296;
}
