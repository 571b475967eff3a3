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
 * Only splits after a length that is not a multiple of 4 matter: a call over whole words leaves the
 * hasher as a longer call over those words and what follows would (the digest's key part relies on it).
 */
export class Hasher64 {
  private h1 = 0x9747b28c;
  private h2 = 0x2f4b6b43;
  private length = 0;

  update(bytes: Uint8Array, start = 0, end = bytes.length): this {
    const end4 = start + ((end - start) & ~3);
    let i = start;
    for (; i < end4; i += 4) this.word(bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    if (i < end) {
      let k = 0;
      for (let shift = 0; i < end; i++, shift += 8) k |= bytes[i]! << shift;
      this.tail(k);
    }
    this.length += end - start;
    return this;
  }

  /**
   * `update` over the bytes of a string of char codes 0..255 (a `PackedBytes` string), without
   * copying them into an array first.
   */
  updateLatin1(s: string): this {
    const end = s.length;
    const end4 = end & ~3;
    let i = 0;
    for (; i < end4; i += 4) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24));
    if (i < end) {
      let k = 0;
      for (let shift = 0; i < end; i++, shift += 8) k |= s.charCodeAt(i) << shift;
      this.tail(k);
    }
    this.length += end;
    return this;
  }

  /** Mixes one little-endian 4-byte word into both lanes. */
  private word(k: number): void {
    let k1 = Math.imul(k, C1);
    k1 = Math.imul((k1 << 15) | (k1 >>> 17), C2);
    this.h1 ^= k1;
    this.h1 = (Math.imul((this.h1 << 13) | (this.h1 >>> 19), 5) + 0xe6546b64) | 0;
    let k2 = Math.imul(k, C3);
    k2 = Math.imul((k2 << 13) | (k2 >>> 19), C4);
    this.h2 ^= k2;
    this.h2 = (Math.imul((this.h2 << 17) | (this.h2 >>> 15), 5) + 0x561ccd1b) | 0;
  }

  /** Mixes the last 1–3 bytes (little-endian in `k`). */
  private tail(k: number): void {
    this.h1 ^= Math.imul(Math.imul(k, C1), C2);
    this.h2 ^= Math.imul(Math.imul(k, C3), C4);
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

  /** Writes the ASCII bytes of `hex()` to `out` at `pos` (16 bytes), without making the string. */
  hexInto(out: Uint8Array, pos: number): void {
    const len = this.length >>> 0;
    let h1 = fmix32(this.h1 ^ len);
    let h2 = fmix32(this.h2 ^ Math.imul(len, 0x9e3779b1));
    h1 = (h1 + h2) >>> 0;
    h2 = (h2 + h1) >>> 0;
    hex8(fmix32(h1), out, pos);
    hex8(fmix32(h2), out, pos + 8);
  }

  /** Back to the state of a new hasher. */
  reset(): this {
    this.h1 = 0x9747b28c;
    this.h2 = 0x2f4b6b43;
    this.length = 0;
    return this;
  }
}

/** '0'..'9', 'a'..'f'. */
const HEX_DIGITS = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102]);

/** The 8 lowercase hex digits of the uint32 `v`, most significant first. */
function hex8(v: number, out: Uint8Array, pos: number): void {
  for (let i = 7; i >= 0; i--) {
    out[pos + i] = HEX_DIGITS[v & 15]!;
    v >>>= 4;
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
