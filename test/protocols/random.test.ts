import { describe, expect, it } from 'vitest';
import { normalSample, seededRandom, systemRandom } from '../../src/protocols/random';

describe('random sources', () => {
  it('seededRandom is deterministic, uniform-looking and in [0, 1)', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(Array.from({ length: 10_000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    expect(seededRandom(2)()).not.toBe(seededRandom(1)());
  });

  it('normalSample has the requested mean and deviation', () => {
    const r = seededRandom(99);
    const xs = Array.from({ length: 20_000 }, () => normalSample(r, 10, 2));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(Math.abs(mean - 10)).toBeLessThan(0.1);
    expect(Math.abs(sd - 2)).toBeLessThan(0.1);
    expect(Number.isFinite(normalSample(() => 0, 0, 1))).toBe(true);
    expect(systemRandom()).toBeLessThan(1);
  });
});
