/**
 * Binary primitives shared by the entry codec and snapshots: LEB128 varints (arithmetic beyond
 * 2^31, so every safe integer round-trips), a sign-folded signed varint, little-endian float64,
 * length-prefixed UTF-8 strings and raw bytes.
 */

/** Thrown by `Reader` on malformed input; caught at the codec boundary and turned into a value. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
const TWO_31 = 0x80000000;
/** Byte fields up to this long are copied by a loop rather than `set` (see `Reader.bytes`). */
const SMALL_COPY = 256;

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Appends values to a growable buffer. Throws on values the format cannot carry (a caller bug). */
export class Writer {
  buf: Uint8Array;
  pos = 0;
  private view: DataView;

  constructor(initialBytes = 1024) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v;
  }

  /** Unsigned varint; `v` must be a non-negative safe integer. */
  uint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`cannot encode ${v}: not a non-negative safe integer`);
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= TWO_31) {
      buf[pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Signed varint: first byte holds the sign (bit 0) and 6 low bits; `v` must be a safe integer. */
  sint(v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`cannot encode ${v}: not a safe integer`);
    const neg = v < 0;
    const m = neg ? -v : v;
    const low = m % 64;
    const high = Math.floor(m / 64);
    this.u8((high > 0 ? 0x80 : 0) | (low << 1) | (neg ? 1 : 0));
    if (high > 0) this.uint(high);
  }

  f64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  str(s: string): void {
    if (typeof s !== 'string') throw new TypeError(`cannot encode ${typeof s} as a string`);
    const n = s.length;
    let ascii = true;
    for (let i = 0; i < n; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      this.bytes(encoder.encode(s));
      return;
    }
    this.latin1(s);
  }

  /** A length-prefixed run of bytes from a string of char codes 0..255. */
  private latin1(s: string): void {
    const n = s.length;
    this.uint(n);
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = s.charCodeAt(i);
    this.pos = pos;
  }

  bytes(b: Uint8Array): void {
    if (!(b instanceof Uint8Array)) throw new TypeError('cannot encode a non-Uint8Array as bytes');
    this.uint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** What `bytes` writes for bytes kept as a `PackedBytes` (a string of char codes 0..255, or the array). */
  packed(p: string | Uint8Array): void {
    if (typeof p !== 'string') {
      this.bytes(p);
      return;
    }
    this.latin1(p);
  }

  /**
   * What `str(head + "\0" + tail)` writes, without building the joined string (or flattening one
   * held in parts).
   */
  strJoined(head: string, tail: string): void {
    if (!isAscii(head) || !isAscii(tail)) {
      this.str(`${head}\u0000${tail}`);
      return;
    }
    const n = head.length + 1 + tail.length;
    this.uint(n);
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < head.length; i++) buf[pos++] = head.charCodeAt(i);
    buf[pos++] = 0;
    for (let i = 0; i < tail.length; i++) buf[pos++] = tail.charCodeAt(i);
    this.pos = pos;
  }

  optStr(s: string | null): void {
    if (s === null) this.u8(0);
    else {
      this.u8(1);
      this.str(s);
    }
  }

  optSint(v: number | null): void {
    if (v === null) this.u8(0);
    else {
      this.u8(1);
      this.sint(v);
    }
  }

  /** The written bytes (a view of the internal buffer; the writer must not be reused after). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reads values back; every read is bounds-checked and throws `DecodeError` on malformed input. */
export class Reader {
  pos = 0;
  private readonly view: DataView;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  private need(n: number): void {
    if (n > this.buf.length - this.pos) throw new DecodeError(`truncated: need ${n} bytes at offset ${this.pos}`);
  }

  u8(): number {
    this.need(1);
    return this.buf[this.pos++]!;
  }

  uint(): number {
    let b = this.u8();
    if (b < 0x80) return b;
    let value = b & 0x7f;
    let mul = 128;
    for (let i = 1; i < 8; i++) {
      b = this.u8();
      value += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (value > Number.MAX_SAFE_INTEGER) break;
        return value;
      }
      mul *= 128;
    }
    throw new DecodeError(`varint out of range at offset ${this.pos}`);
  }

  sint(): number {
    const b = this.u8();
    let m = (b >> 1) & 63;
    if (b & 0x80) {
      const high = this.uint();
      if (high > (Number.MAX_SAFE_INTEGER - m) / 64) throw new DecodeError(`signed varint out of range at offset ${this.pos}`);
      m += high * 64;
    }
    return b & 1 && m !== 0 ? -m : m;
  }

  f64(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bool(): boolean {
    const b = this.u8();
    if (b > 1) throw new DecodeError(`bad boolean ${b} at offset ${this.pos - 1}`);
    return b === 1;
  }

  str(): string {
    const n = this.uint();
    this.need(n);
    const buf = this.buf;
    const start = this.pos;
    if (n <= 32) {
      let s = '';
      let i = start;
      for (; i < start + n; i++) {
        const c = buf[i]!;
        if (c > 0x7f) break;
        s += String.fromCharCode(c);
      }
      if (i === start + n) {
        this.pos = i;
        return s;
      }
    }
    try {
      const s = decoder.decode(buf.subarray(start, start + n));
      this.pos = start + n;
      return s;
    } catch {
      throw new DecodeError(`invalid UTF-8 at offset ${start}`);
    }
  }

  /** Length-prefixed bytes, copied so the result does not pin the input buffer. */
  bytes(): Uint8Array {
    const n = this.uint();
    this.need(n);
    // Not `slice`: on a Node Buffer that returns a view.
    const out = new Uint8Array(n);
    const buf = this.buf;
    const start = this.pos;
    if (n <= SMALL_COPY) {
      // Small payloads are the common case: a loop beats allocating a subarray view to `set` from.
      for (let i = 0; i < n; i++) out[i] = buf[start + i]!;
    } else {
      out.set(buf.subarray(start, start + n));
    }
    this.pos = start + n;
    return out;
  }

  optStr(): string | null {
    return this.bool() ? this.str() : null;
  }

  optSint(): number | null {
    return this.bool() ? this.sint() : null;
  }

  /** A count of items that each take at least one byte: bounded by what is left, so garbage cannot allocate wildly. */
  count(): number {
    const n = this.uint();
    if (n > this.remaining) throw new DecodeError(`count ${n} exceeds the ${this.remaining} bytes left at offset ${this.pos}`);
    return n;
  }

  end(): void {
    if (this.pos !== this.buf.length) throw new DecodeError(`${this.buf.length - this.pos} trailing bytes at offset ${this.pos}`);
  }
}
