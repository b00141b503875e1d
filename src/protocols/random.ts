/**
 * Random sources for jitter: `RandomSource` returns a uniform number in [0, 1) like `Math.random`;
 * `seededRandom(seed)` is a small deterministic generator (mulberry32) for tests and reproducible
 * runs; `normalSample` draws from a normal distribution (Box–Muller). Not for secrets: nonces and
 * salts use `node:crypto`. Tests: test/protocols/random.test.ts.
 */

/** A uniform random number in [0, 1). */
export type RandomSource = () => number;

/** `Math.random`. */
export const systemRandom: RandomSource = () => Math.random();

/** A deterministic generator: the same seed gives the same sequence. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One sample of a normal distribution with the given mean and standard deviation. */
export function normalSample(random: RandomSource, mean: number, deviation: number): number {
  const u1 = 1 - random(); // (0, 1]: log is finite
  const u2 = random();
  return mean + deviation * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
