/**
 * Byte fields as a job record keeps them. A backlog of small payloads is the common case, and a
 * small `Uint8Array` costs far more than its bytes: a typed array, an array buffer and the elements
 * (about 250 bytes on 64-bit Node for 45 bytes of data). A one-byte string (one char per byte)
 * costs its header and the bytes, so records keep byte fields up to `PACK_MAX_BYTES` as strings.
 */

/** Bytes up to `PACK_MAX_BYTES` as a one-byte string (char code = byte), larger ones as the array. */
export type PackedBytes = string | Uint8Array;

/** Largest byte array kept as a string, bytes (also bounds `String.fromCharCode.apply`'s argument count). */
export const PACK_MAX_BYTES = 4096;

/** Packs `bytes`. A large array is kept as is, not copied: do not change it afterwards. */
export function packBytes(bytes: Uint8Array): PackedBytes {
  if (bytes.length > PACK_MAX_BYTES) return bytes;
  return String.fromCharCode.apply(null, bytes as unknown as number[]);
}

/** The bytes of a `packBytes` value: a new array for a string, the stored array otherwise. */
export function unpackBytes(packed: PackedBytes): Uint8Array {
  if (typeof packed !== 'string') return packed;
  const n = packed.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = packed.charCodeAt(i);
  return out;
}

/** Longest payload `packShared` compares with the one before, bytes: longer ones rarely repeat. */
export const SHARE_MAX_BYTES = 128;

/**
 * `packBytes(bytes)`, or `last` itself when it holds the same bytes: a backlog of equal small
 * payloads (`{}`, or one batch's common payload) then shares one string instead of a copy per job
 * (24 bytes for `{}` on 64-bit Node). Same contents either way, so nothing read from the record
 * changes; only identity does.
 */
export function packShared(bytes: Uint8Array, last: PackedBytes | null): PackedBytes {
  const n = bytes.length;
  if (typeof last === 'string' && n <= SHARE_MAX_BYTES && last.length === n) {
    let i = 0;
    while (i < n && last.charCodeAt(i) === bytes[i]) i++;
    if (i === n) return last;
  }
  return packBytes(bytes);
}
