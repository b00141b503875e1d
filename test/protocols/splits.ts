/** Test helper: every way of cutting an input into chunks that the framing tests feed. */

/** The whole input, byte by byte, every single cut, and every pair of cuts (for short inputs). */
export function* splits(input: Uint8Array, pairs = input.length <= 64): Generator<Uint8Array[]> {
  yield [input];
  yield Array.from(input, (_b, i) => input.subarray(i, i + 1));
  for (let i = 0; i <= input.length; i++) yield [input.subarray(0, i), input.subarray(i)];
  if (!pairs) return;
  for (let i = 1; i < input.length; i++) {
    for (let j = i + 1; j < input.length; j++) yield [input.subarray(0, i), input.subarray(i, j), input.subarray(j)];
  }
}

export const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
export const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1');
