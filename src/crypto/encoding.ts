/*
 * Base64 by table rather than with btoa/atob: Node's btoa and atob are implemented one character
 * at a time in JavaScript and take milliseconds for the payload of one queued email (30 KB), more
 * than the encryption itself. These run on Node and Workers alike.
 */
const URL_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const encodeTable = Uint8Array.from(URL_ALPHABET, (char) => char.charCodeAt(0));
/** Each ASCII code's 6-bit value in either alphabet (`+/` or `-_`), -1 where it is not base64. */
const decodeTable = new Int8Array(128).fill(-1);
for (const [value, char] of [...URL_ALPHABET].entries()) decodeTable[char.charCodeAt(0)] = value;
decodeTable['+'.charCodeAt(0)] = 62;
decodeTable['/'.charCodeAt(0)] = 63;
const ascii = new TextDecoder();

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil((bytes.length * 4) / 3));
  let at = 0;
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const group = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out[at++] = encodeTable[group >> 18] ?? 0;
    out[at++] = encodeTable[(group >> 12) & 63] ?? 0;
    out[at++] = encodeTable[(group >> 6) & 63] ?? 0;
    out[at++] = encodeTable[group & 63] ?? 0;
  }
  if (i < bytes.length) {
    const group = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8);
    out[at++] = encodeTable[group >> 18] ?? 0;
    out[at++] = encodeTable[(group >> 12) & 63] ?? 0;
    if (i + 1 < bytes.length) out[at++] = encodeTable[(group >> 6) & 63] ?? 0;
  }
  return ascii.decode(out);
}

/** Standard base64 with padding, as signatures and headers carry it. */
export function toBase64(bytes: Uint8Array): string {
  const url = toBase64Url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url.padEnd(Math.ceil(url.length / 4) * 4, '=');
}

/**
 * Decodes base64 or base64url, padded or not; throws on anything else. Accepts what
 * `atob` accepts once the padding is completed (the forgiving decoder of the HTML standard).
 */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  let data = text + '='.repeat((4 - (text.length % 4)) % 4);
  if (/[\t\n\f\r ]/.test(data)) data = data.replace(/[\t\n\f\r ]+/g, '');
  if (data.length % 4 === 0) data = data.replace(/={1,2}$/, '');
  if (data.length % 4 === 1) throw new Error('not base64: wrong length');
  const bytes = new Uint8Array(Math.floor((data.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (let i = 0; i < data.length; i++) {
    const code = data.charCodeAt(i);
    const value = code < 128 ? (decodeTable[code] ?? -1) : -1;
    if (value < 0) throw new Error('not base64: a character outside the alphabet');
    buffer = ((buffer << 6) | value) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[at++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

export const utf8 = (text: string) => new TextEncoder().encode(text);
