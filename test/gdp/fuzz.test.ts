/**
 * Bounded fuzzing (fast-check): arbitrary and mutated input only ever raises GdpError subclasses,
 * from the decoder, the stream state and the text parsers, and a decoder decodes a valid stream
 * after reset(). A few thousand runs, well under 10 s.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GdpError, GdpStreamState, parseCaps, parseStructure } from '../../src/gdp/index';
import { cuts, decodeAll, fixHeaderCrcs, onlyGdpErrors } from './fuzz-helpers';
import { splitAt, validVectors } from './vectors';

const vectors = validVectors();
const reference = vectors.find((v) => v.name === 'video_raw_i420');
if (reference === undefined) throw new Error('vector missing');

describe('fuzz: the decoder only raises GdpError', () => {
  it('on random bytes, split anywhere', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }).chain((b) => fc.tuple(fc.constant(b), cuts(b.length))), ([bytes, at]) => {
      const r = decodeAll(splitAt(bytes, at));
      return onlyGdpErrors(r.error);
    }), { numRuns: 2000 });
  });

  it('on random headers with valid CRCs (so the later checks are reached)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 62, maxLength: 300 }), fc.boolean(), (raw, small) => {
      const b = raw.slice();
      b[0] = 1;
      b[1] = 0;
      if (small) { b[6] = 0; b[7] = 0; }
      const r = decodeAll([fixHeaderCrcs(b)], { requireCapsBeforeBuffer: false });
      return onlyGdpErrors(r.error);
    }), { numRuns: 2000 });
  });

  it('on mutated valid vectors (bytes flipped, inserted, deleted; CRCs fixed or not)', () => {
    const vec = fc.constantFrom(...vectors.map((v) => v.bytes));
    const mutation = fc.record({
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 4 }),
      insertAt: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 })), { nil: undefined }),
      deleteAt: fc.option(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 70 })), { nil: undefined }),
      fix: fc.boolean(),
      verifyCrc: fc.boolean(),
    });
    fc.assert(fc.property(vec, mutation, fc.nat(), (bytes, m, cutSeed) => {
      let b: Uint8Array = bytes.slice();
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
      const r = decodeAll(splitAt(b, [cutSeed % (b.length + 1)]), { verifyCrc: m.verifyCrc });
      if (!onlyGdpErrors(r.error)) return false;
      // whatever decoded must also be digestible by the stream state and the text parsers
      const state = new GdpStreamState();
      for (const p of r.packets) {
        state.accept(p);
        try {
          if (p.kind === 'caps') parseCaps(p.caps);
          if (p.kind === 'event' && p.structure !== null) parseStructure(p.structure);
        } catch (e) {
          if (!(e instanceof GdpError)) return false;
        }
      }
      state.startPackets();
      // after a failure, reset() makes the same decoder usable again
      if (r.error !== undefined) {
        r.d.reset();
        return r.d.push(reference.bytes).length === 8;
      }
      return true;
    }), { numRuns: 1500 });
  });
});

describe('fuzz: the text parsers only raise GdpError', () => {
  const alphabet = fc.constantFrom(...'abcXY019 ,;=()[]{}<>"\\/-+.:_\t\nü'.split(''), '(int)', '(string)', '(structure)', '(GstCaps)', '(buffer)', '(fraction)', '\\303');
  it('on random structure-like text', () => {
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 60 }).map((a) => a.join('')), (text) => {
      for (const parse of [parseStructure, parseCaps]) {
        try { parse(text); } catch (e) { if (!(e instanceof GdpError)) return false; }
      }
      return true;
    }), { numRuns: 3000 });
  });

  it('on mutated real caps and event text', () => {
    const texts = vectors.flatMap((v) => v.json.packets.map((p) => p.payload_text).filter((t): t is string => typeof t === 'string' && t.length < 2000));
    fc.assert(fc.property(fc.constantFrom(...texts), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 2 })), { maxLength: 3 }), (t, edits) => {
      let s = t;
      for (const [pos, ins] of edits) { const p = pos % (s.length + 1); s = s.slice(0, p) + ins + s.slice(p + 1); }
      for (const parse of [parseStructure, parseCaps]) {
        try { parse(s); } catch (e) { if (!(e instanceof GdpError)) return false; }
      }
      return true;
    }), { numRuns: 2000 });
  });
});

it('sanity: the fuzz harness sees non-GdpErrors as failures', () => {
  expect(onlyGdpErrors(new TypeError('x'))).toBe(false);
  expect(onlyGdpErrors(new GdpError('x'))).toBe(true);
});
