/**
 * Long GDP fuzz run (issue 9): the properties of test/gdp/fuzz.test.ts — random bytes split
 * anywhere, random headers with valid CRCs, mutated valid (and damaged) vectors with the stream
 * state and text parsers behind them, random and mutated caps/structure text — with the same
 * fast-check generators (shared helpers in test/gdp/fuzz-helpers.ts, larger size bounds) run in
 * batches with fresh seeds until `--duration` seconds have passed. Only `GdpError`s may be
 * thrown, and a decoder that failed must decode a valid stream after `reset()`. Prints the runs
 * per property as JSON; on a counterexample prints it with its seed and exits 1.
 *
 * Run: npx tsx bench/fuzz/gdp.ts [--duration 300] [--batch 2000]
 */
import fc from 'fast-check';
import {
  GdpDecoder, GdpError, GdpStreamState, parseCaps, parseStructure, type GdpPacket,
} from '../../src/gdp/index';
import { cuts as cutPoints, decodeAll, fixHeaderCrcs, onlyGdpErrors } from '../../test/gdp/fuzz-helpers';
import { damagedVectors, splitAt, validVectors } from '../../test/gdp/vectors';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}

const DURATION = flag('duration', 300);
const BATCH = flag('batch', 2000);

const vectors = validVectors();
const damaged = damagedVectors();
const reference = vectors.find((v) => v.name === 'video_raw_i420');
if (reference === undefined) throw new Error('vector missing');
const referencePackets = new GdpDecoder().push(reference.bytes).length;

const cuts = (len: number): ReturnType<typeof cutPoints> => cutPoints(len, 12);

/** Decoded packets must be digestible by the stream state and the text parsers. */
function digest(packets: readonly GdpPacket[]): boolean {
  const state = new GdpStreamState();
  for (const p of packets) {
    state.accept(p);
    try {
      if (p.kind === 'caps') parseCaps(p.caps);
      if (p.kind === 'event' && p.structure !== null) parseStructure(p.structure);
    } catch (e) {
      if (!(e instanceof GdpError)) return false;
    }
  }
  state.startPackets();
  return true;
}

const alphabet = fc.constantFrom(...'abcXY019 ,;=()[]{}<>"\\/-+.:_\t\nü'.split(''), '(int)', '(string)', '(structure)', '(GstCaps)', '(buffer)', '(fraction)', '\\303');
const texts = vectors.flatMap((v) => v.json.packets.map((p) => p.payload_text).filter((t): t is string => typeof t === 'string' && t.length < 4000));
const parsersOnlyGdpErrors = (s: string): boolean => {
  for (const parse of [parseStructure, parseCaps]) {
    try { parse(s); } catch (e) { if (!(e instanceof GdpError)) return false; }
  }
  return true;
};

const properties: Record<string, fc.IPropertyWithHooks<never> | fc.IProperty<never>> = {
  'random bytes, split anywhere': fc.property(fc.uint8Array({ maxLength: 2000 }).chain((b) => fc.tuple(fc.constant(b), cuts(b.length))),
    ([bytes, at]) => onlyGdpErrors(decodeAll(splitAt(bytes, at)).error)) as never,
  'random headers with valid CRCs': fc.property(fc.uint8Array({ minLength: 62, maxLength: 1200 }), fc.boolean(), (raw, small) => {
    const b = raw.slice();
    b[0] = 1;
    b[1] = 0;
    if (small) { b[6] = 0; b[7] = 0; }
    const r = decodeAll([fixHeaderCrcs(b)], { requireCapsBeforeBuffer: false });
    return onlyGdpErrors(r.error) && digest(r.packets);
  }) as never,
  'mutated valid and damaged vectors': fc.property(
    fc.constantFrom(...vectors.map((v) => v.bytes), ...damaged.map((v) => v.bytes)),
    fc.record({
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 12 }),
      insertAt: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 64 })), { nil: undefined }),
      deleteAt: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 200 })), { nil: undefined }),
      fix: fc.boolean(),
      verifyCrc: fc.boolean(),
    }),
    fc.array(fc.nat(), { maxLength: 8 }),
    (bytes, m, cutSeeds) => {
      let b: Uint8Array = bytes.slice();
      if (b.length === 0) return true;
      for (const [pos, x] of m.flips) b[pos % b.length] = (b[pos % b.length] as number) ^ x;
      if (m.insertAt !== undefined) {
        const pos = m.insertAt[0] % b.length;
        b = new Uint8Array([...b.subarray(0, pos), ...m.insertAt[1], ...b.subarray(pos)]);
      }
      if (m.deleteAt !== undefined) {
        const pos = m.deleteAt[0] % b.length;
        b = new Uint8Array([...b.subarray(0, pos), ...b.subarray(pos + m.deleteAt[1])]);
      }
      if (m.fix) b = fixHeaderCrcs(b);
      const at = [...new Set(cutSeeds.map((c) => c % (b.length + 1)))].sort((x, y) => x - y);
      const r = decodeAll(splitAt(b, at), { verifyCrc: m.verifyCrc });
      if (!onlyGdpErrors(r.error) || !digest(r.packets)) return false;
      if (r.error !== undefined) {
        r.d.reset();
        return r.d.push(reference.bytes).length === referencePackets;
      }
      return true;
    }) as never,
  'random structure-like text': fc.property(fc.array(alphabet, { maxLength: 200 }).map((a) => a.join('')), parsersOnlyGdpErrors) as never,
  'mutated real caps and event text': fc.property(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 4 })), { maxLength: 8 }), (t, edits) => {
    let s = t;
    for (const [pos, ins] of edits) { const p = pos % (s.length + 1); s = s.slice(0, p) + ins + s.slice(p + 1); }
    return parsersOnlyGdpErrors(s);
  }) as never,
};

const runs: Record<string, number> = Object.fromEntries(Object.keys(properties).map((k) => [k, 0]));
const started = Date.now();
const deadline = started + DURATION * 1000;
let round = 0;
let failed = false;
while (Date.now() < deadline && !failed) {
  for (const [name, prop] of Object.entries(properties)) {
    const seed = (Date.now() ^ (round * 2654435761)) | 0;
    const r = fc.check(prop, { numRuns: BATCH, seed });
    runs[name] = (runs[name] ?? 0) + r.numRuns;
    if (r.failed) {
      failed = true;
      console.error(JSON.stringify({ property: name, seed: r.seed, path: r.counterexamplePath, counterexample: String(r.counterexample), error: String(r.errorInstance) }));
      break;
    }
    if (Date.now() >= deadline) break;
  }
  round++;
}
const total = Object.values(runs).reduce((a, b) => a + b, 0);
console.log(JSON.stringify({ seconds: Math.round((Date.now() - started) / 1000), rounds: round, total, runs, ok: !failed }));
process.exitCode = failed ? 1 : 0;
