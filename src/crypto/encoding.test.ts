import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64, toBase64Url } from './encoding';

/** What the table-driven code replaced: btoa and atob, the platform's own. */
const referenceEncode = (bytes: Uint8Array) =>
  Buffer.from(bytes).toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
function referenceDecode(text: string): Uint8Array {
  const standard = text.replace(/-/g, '+').replace(/_/g, '/');
  const binary = atob(standard + '='.repeat((4 - (standard.length % 4)) % 4));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}
const outcome = (decode: (text: string) => Uint8Array, text: string) => {
  try {
    return Array.from(decode(text));
  } catch {
    return 'refused';
  }
};

describe('base64', () => {
  it('encodes any bytes as base64url without padding', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(toBase64Url(bytes)).toBe(referenceEncode(bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes what it encodes, in either alphabet, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const url = toBase64Url(bytes);
        expect(Array.from(fromBase64(url))).toEqual(Array.from(bytes));
        expect(Array.from(fromBase64(Buffer.from(bytes).toString('base64')))).toEqual(
          Array.from(bytes),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts and refuses exactly what atob does, whitespace and stray padding included', () => {
    const alphabet = fc.constantFrom(...'ABCXYZabcxyz0189+/-_= \t\n\r\f.*!ä€'.split(''));
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 40 }), (text) => {
        expect(outcome(fromBase64, text)).toEqual(outcome(referenceDecode, text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('refuses a string of the wrong length or with characters outside the alphabet', () => {
    expect(() => fromBase64('abcde')).toThrow();
    expect(() => fromBase64('ab$d')).toThrow();
    expect(() => fromBase64('ab=d')).toThrow();
    expect(Array.from(fromBase64('aGk'))).toEqual([104, 105]);
  });
});
