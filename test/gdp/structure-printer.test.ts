import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** No lone surrogates (TextEncoder would replace them). */
const isWellFormed = (s: string): boolean => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
import { gstStructure, gstStructureEquals, type GstStructure, type GstValue } from '../../src/gdp/gst-value';
import { parseCaps, parseStructure } from '../../src/gdp/structure-parser';
import { printCaps, printFieldValue, printStructure } from '../../src/gdp/structure-printer';

const int = (value: number): GstValue => ({ kind: 'int', value });
const str = (value: string | null): GstValue => ({ kind: 'string', value });

describe('printStructure / printCaps', () => {
  it('prints types and values as gst_structure_to_string does', () => {
    const s = gstStructure('s', [
      ['i', int(-1)], ['u64', { kind: 'uint64', value: 18446744073709551615n }], ['i64', { kind: 'int64', value: -5n }],
      ['d', { kind: 'double', value: 0.1 }], ['f', { kind: 'float', value: Math.fround(1e20) }], ['b', { kind: 'boolean', value: false }],
      ['s1', str('plain-token_1.2/x:y+z')], ['s2', str('two words')], ['s3', str('')], ['s4', str(null)], ['s5', str('NULL')],
      ['s6', str('Ü\t"\\')], ['fr', { kind: 'fraction', num: 30000, den: 1001 }], ['bm', { kind: 'bitmask', value: 3n }],
      ['buf', { kind: 'buffer', value: new Uint8Array([0, 10, 255]) }],
    ]);
    expect(printStructure(s)).toBe('s, i=(int)-1, u64=(guint64)18446744073709551615, i64=(gint64)-5, d=(double)0.10000000000000001, ' +
      'f=(float)1.0000000200408773e+20, b=(boolean)false, s1=(string)plain-token_1.2/x:y+z, s2=(string)"two\\ words", s3=(string)"", ' +
      's4=(string)NULL, s5=(string)"NULL", s6=(string)"\\303\\234\\011\\"\\\\", fr=(fraction)30000/1001, bm=(bitmask)0x0000000000000003, buf=(buffer)000aff;');
  });

  it('takes a list or array type from its first item, int when empty', () => {
    expect(printFieldValue({ kind: 'list', items: [str('I420'), str('NV12')] })).toBe('(string){ I420, NV12 }');
    expect(printFieldValue({ kind: 'array', items: [] })).toBe('(int)<  >');
    expect(printFieldValue({ kind: 'array', items: [{ kind: 'array', items: [int(1), int(2)] }, { kind: 'list', items: [int(3)] }] }))
      .toBe('(int)< < (int)1, (int)2 >, { (int)3 } >');
    expect(printFieldValue({ kind: 'array', items: [{ kind: 'array', items: [{ kind: 'range', min: int(1), max: int(2) }] }] }))
      .toBe('(int)< < (GstIntRange)[ 1, 2 ] > >');
  });

  it('prints ranges with their element type and a step only when it is not 1', () => {
    expect(printFieldValue({ kind: 'range', min: int(0), max: int(10), step: int(2) })).toBe('(int)[ 0, 10, 2 ]');
    expect(printFieldValue({ kind: 'range', min: { kind: 'int64', value: 1n }, max: { kind: 'int64', value: 5n } })).toBe('(gint64)[ 1, 5 ]');
    expect(printFieldValue({ kind: 'range', min: { kind: 'double', value: 0.5 }, max: { kind: 'double', value: 1.5 } })).toBe('(double)[ 0.5, 1.5 ]');
  });

  it('writes nested structures and caps quoted in structures and in brackets in caps', () => {
    const inner = gstStructure('b', [['c', int(1)]]);
    const nestedCaps = { any: false, structures: [{ structure: gstStructure('video/x-raw', [['width', int(1)]]), features: null }] };
    const outer = gstStructure('a', [['s', { kind: 'structure', value: inner }], ['c', { kind: 'caps', value: nestedCaps }]]);
    expect(printStructure(outer)).toBe('a, s=(structure)"b\\,\\ c\\=\\(int\\)1\\;", c=(GstCaps)"video/x-raw\\,\\ width\\=\\(int\\)1";');
    expect(printCaps({ any: false, structures: [{ structure: outer, features: null }] })).toBe('a, s=(structure)[b, c=(int)1;], c=(GstCaps)[video/x-raw, width=(int)1]');
  });

  it('prints segments unescaped and tag lists escaped, as GDP event payloads carry them', () => {
    const seg = parseStructure('GstEventSegment, segment=(GstSegment)"segment, flags=(GstSegmentFlags)GST_SEGMENT_FLAG_NONE, rate=(double)1;";');
    expect(printStructure(seg)).toBe('GstEventSegment, segment=(GstSegment)"segment, flags=(GstSegmentFlags)GST_SEGMENT_FLAG_NONE, rate=(double)1;";');
    const tags = gstStructure('GstTagList-stream', [['taglist', { kind: 'taglist', value: gstStructure('taglist', [['title', str('a b')]]) }]]);
    expect(printStructure(tags)).toBe('GstTagList-stream, taglist=(taglist)"taglist\\,\\ title\\=\\(string\\)\\"a\\\\\\ b\\"\\;";');
  });

  it('prints ANY, EMPTY and features, omitting memory:SystemMemory', () => {
    expect(printCaps({ any: true, structures: [] })).toBe('ANY');
    expect(printCaps({ any: false, structures: [] })).toBe('EMPTY');
    const s = gstStructure('video/x-raw');
    expect(printCaps({ any: false, structures: [
      { structure: s, features: { any: false, names: ['memory:SystemMemory'] } },
      { structure: s, features: { any: false, names: ['memory:GLMemory', 'meta:X'] } },
      { structure: s, features: { any: true, names: [] } },
    ] })).toBe('video/x-raw; video/x-raw(memory:GLMemory, meta:X); video/x-raw(ANY)');
  });
});

const fieldName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_\-.:+/]{0,8}$/);
const structName = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_\-.:+/]{0,10}$/);
const text = fc.string({ unit: 'binary', maxLength: 12 }).filter((s) => isWellFormed(s));
const scalars: Array<fc.Arbitrary<GstValue>> = [
  fc.integer({ min: -2147483648, max: 2147483647 }).map((value): GstValue => ({ kind: 'int', value })),
  fc.integer({ min: 0, max: 4294967295 }).map((value): GstValue => ({ kind: 'uint', value })),
  fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n }).map((value): GstValue => ({ kind: 'int64', value })),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((value): GstValue => ({ kind: 'uint64', value })),
  fc.double().map((value): GstValue => ({ kind: 'double', value })),
  fc.float({ noDefaultInfinity: true }).filter((v) => Math.abs(v) <= 3.4028234663852886e38).map((value): GstValue => ({ kind: 'float', value })),
  fc.boolean().map((value): GstValue => ({ kind: 'boolean', value })),
  fc.option(text, { nil: null }).map((value): GstValue => ({ kind: 'string', value })),
  fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 1, max: 1000 })).map(([n, d]): GstValue => {
    const g = (a: number, b: number): number => (b === 0 ? Math.abs(a) : g(b, a % b));
    const k = g(n, d) || 1;
    return { kind: 'fraction', num: n / k + 0, den: d / k };
  }),
  fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }).map((value): GstValue => ({ kind: 'bitmask', value })),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((value): GstValue => ({ kind: 'buffer', value })),
];
const scalar = fc.oneof(...scalars);
/** Items of one scalar kind (top-level lists print one type for all items). */
const sameKind = fc.oneof(...scalars.map((a) => fc.array(a, { minLength: 1, maxLength: 3 })));
/** Values inside nested lists, where GStreamer prints every item's own type. */
const typedItem: fc.Arbitrary<GstValue> = fc.letrec<{ v: GstValue }>((tie) => ({
  v: fc.oneof({ depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('v'), { maxLength: 3 }).map((items): GstValue => ({ kind: 'array', items })),
    fc.array(tie('v'), { maxLength: 3 }).map((items): GstValue => ({ kind: 'list', items })),
    fc.tuple(structName, fc.array(fc.tuple(fieldName, scalar), { maxLength: 2 }))
      .map(([n, f]): GstValue => ({ kind: 'structure', value: gstStructure(n, f) })),
  ),
})).v;
const value: fc.Arbitrary<GstValue> = fc.oneof(
  scalar,
  sameKind.map((items): GstValue => ({ kind: 'list', items })),
  sameKind.map((items): GstValue => ({ kind: 'array', items })),
  fc.array(typedItem, { minLength: 1, maxLength: 3 }).map((items): GstValue => ({ kind: 'array', items: [{ kind: 'array', items }] })),
  fc.tuple(structName, fc.array(fc.tuple(fieldName, scalar), { maxLength: 3 }))
    .map(([n, f]): GstValue => ({ kind: 'structure', value: gstStructure(n, f) })),
);
const structure: fc.Arbitrary<GstStructure> = fc.tuple(structName, fc.array(fc.tuple(fieldName, value), { maxLength: 5 }))
  .map(([n, f]) => gstStructure(n, f));

describe('printer and parser agree (property)', () => {
  it('parseStructure(printStructure(s)) equals s', () => {
    fc.assert(fc.property(structure, (s) => {
      const textForm = printStructure(s);
      const back = parseStructure(textForm);
      return gstStructureEquals(back, s) && printStructure(back) === textForm;
    }), { numRuns: 1500 });
  });

  it('parseCaps(printCaps(c)) equals c for top-level values (caps use [ ] nesting)', () => {
    fc.assert(fc.property(fc.array(structure, { minLength: 1, maxLength: 3 }), (list) => {
      const caps = { any: false, structures: list.map((structure) => ({ structure, features: null })) };
      const t = printCaps(caps);
      return printCaps(parseCaps(t)) === t;
    }), { numRuns: 500 });
  });
});
