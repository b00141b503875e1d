import { describe, expect, it } from 'vitest';
import { GdpParseError } from '../../src/gdp/errors';
import { getField, type GstValue } from '../../src/gdp/gst-value';
import { parseCaps, parseStructure, parseValue } from '../../src/gdp/structure-parser';
import { printCaps, printStructure } from '../../src/gdp/structure-printer';
import { gstStringCases } from './gst-strings';

const print = (kind: 'caps' | 'structure', text: string): string =>
  kind === 'caps' ? printCaps(parseCaps(text)) : printStructure(parseStructure(text));

/** Inputs GStreamer 1.22 refused that we accept, and why. */
const LENIENT: Record<string, string> = {
  'a, x=(char)1': 'unknown type names are kept as enum values (no GType registry here)',
  'a, x=(uchar)255': 'unknown type name',
  'a, x=(long)5': 'unknown type name',
  'a, x=(ulong)5': 'unknown type name',
  'a, x=(mytype)foo': 'unknown type name',
  'GstEventTocGlobal, toc=(GstToc)NULL, updated=(boolean)false;': 'GstToc cannot be deserialized by GStreamer; we keep the token',
  'a, x=(GstFormat)"time"': 'a quoted value of an unknown type is kept verbatim',
  's, x=(GstDateTime)"2020-01-02T03:04:05Z"': 'a quoted datetime is kept verbatim',
  's, x=(sample)NULL': 'samples are kept verbatim',
  'a, f=(uint64)5': 'uint64/int64 accepted as aliases of guint64/gint64',
  'a, f=(GstValueList){ 1, 2 }': 'container type names accepted as a prefix',
  'a, f=(GstIntRange)[ 1, 2 ]': 'range type names accepted as a prefix',
  'a, l={ "a b", c }, m=<< 1, 2 >, < 3 > >, r=(int64)[ 1, 5 ], q=(double)[ 0.5, 1.5 ]': 'GStreamer read the quoted "a b" as a flagset; 1.22+ reads it as a string, as we do',
  'a, t=(taglist)"taglist\\,\\ title\\=\\(string\\)x\\;", s=(GstSegment)"segment, rate=(double)1;"': 'segment fields are not checked',
};

/** Inputs GStreamer 1.22 accepted (often with a CRITICAL warning) that we refuse. */
const STRICT: Record<string, string> = {
  'a, j=[1,10,2]': 'step does not divide the bounds (GStreamer: assertion failure, range [0, 0])',
  'a, j=(gint64)[1,10,2]': 'same, int64',
  's, x=(int)[1, 0]': 'empty range (GStreamer: assertion failure)',
  's; trailing': 'text after the structure',
  'video/x-raw(memory:GLMemory, x=1': 'unclosed caps features',
};

/** GStreamer prints that GStreamer cannot read back the same way (so no round trip is owed). */
const NOT_ROUND_TRIPPABLE = new Set([
  'a, j=(int)[ 0, 0 ]', 'a, j=(gint64)[ 0, 0 ]', 's, x=(int)[ 0, 0 ];', // results of failed assertions
  'a, l=(int){ 1, a }', 'a, l=(int){ 1, 2.5 }', 's, m=(int){ 1, a };', // mixed lists: GStreamer refuses them too
  's, m=(string)< <  > >;', // a NULL string printed as nothing
]);

/** Inputs whose GStreamer print needs knowledge of registered GTypes (enum/flag values, flagsets). */
const NEEDS_GTYPES = new Set([
  'a, fl=(GstSegmentFlags)GST_SEGMENT_FLAG_TRICKMODE+GST_SEGMENT_FLAG_SKIP, e=(GstFormat)time',
  'a, flag=(GstStreamFlags)0x00000001', 'a, x=(GstVideoMultiviewFlagsSet)0:ffffffff:/right-view-first/left-flipped',
  'a, x=(flagset)0000000f:0000ffff', 'a, x=(GstFormat)3', 's, x=(datetime)2020-01-02T03:04:05.123456+01:00',
  'a, x=(GstStreamFlags)0', 'a, x=(GstSegmentFlags)0x0', 'a, x=(GstStreamFlags)GST_STREAM_FLAG_SPARSE+0x1000',
  's, m=< < (string)NULL > >',
]);

describe('parse + print against GStreamer 1.22', () => {
  const printed = gstStringCases.filter((c) => c.gst !== null && !NOT_ROUND_TRIPPABLE.has(c.gst));

  it('round-trips every string GStreamer printed (vectors, gst-launch -v caps, edge cases)', () => {
    expect(printed.length).toBeGreaterThan(200);
    const bad = printed.filter((c) => {
      try { return print(c.kind, c.gst as string) !== c.gst; } catch { return true; }
    }).map((c) => c.gst);
    expect(bad).toEqual([]);
  });

  it('normalizes accepted input to exactly what GStreamer printed for it', () => {
    const bad = printed.filter((c) => !NEEDS_GTYPES.has(c.input) && !(c.input in STRICT)).filter((c) => {
      try { return print(c.kind, c.input) !== c.gst; } catch { return true; }
    }).map((c) => c.input);
    expect(bad).toEqual([]);
  });

  it('refuses what GStreamer refused, except the documented leniencies', () => {
    const refused = gstStringCases.filter((c) => c.gst === null);
    expect(refused.length).toBeGreaterThan(30);
    const accepted = refused.filter((c) => {
      try { print(c.kind, c.input); return true; } catch (e) { expect(e).toBeInstanceOf(GdpParseError); return false; }
    }).map((c) => c.input);
    expect(accepted.sort()).toEqual(Object.keys(LENIENT).sort());
  });

  it('refuses the documented stricter cases with GdpParseError', () => {
    for (const input of Object.keys(STRICT)) {
      const c = gstStringCases.find((x) => x.input === input);
      expect(c?.gst, input).not.toBeNull();
      expect(() => print(c?.kind ?? 'structure', input), input).toThrow(GdpParseError);
    }
  });
});

describe('parseStructure values', () => {
  const s = parseStructure('s, i=(int)-2147483648, u=(uint)4294967295, i64=(gint64)-9223372036854775808, ' +
    'u64=(guint64)18446744073709551615, d=(double)0.10000000000000001, f=(float)0.10000000149011612, b=(boolean)yes, ' +
    'str=(string)"a\\ b\\303\\274", n=(string)NULL, fr=(fraction)6/-4, bm=(bitmask)0x00000000000000ff, buf=(buffer)00ff10, ' +
    'e=(GstFormat)time, fl=(GstStreamFlags)GST_STREAM_FLAG_SPARSE+GST_STREAM_FLAG_SELECT, dt=(datetime)2020-01-02T03:04:05Z;');
  const f = (name: string): GstValue | undefined => getField(s, name);

  it('types every field', () => {
    expect(s.name).toBe('s');
    expect(f('i')).toEqual({ kind: 'int', value: -2147483648 });
    expect(f('u')).toEqual({ kind: 'uint', value: 4294967295 });
    expect(f('i64')).toEqual({ kind: 'int64', value: -9223372036854775808n });
    expect(f('u64')).toEqual({ kind: 'uint64', value: 18446744073709551615n });
    expect(f('d')).toEqual({ kind: 'double', value: 0.1 });
    expect(f('f')).toEqual({ kind: 'float', value: Math.fround(0.1) });
    expect(f('b')).toEqual({ kind: 'boolean', value: true });
    expect(f('str')).toEqual({ kind: 'string', value: 'a bü' });
    expect(f('n')).toEqual({ kind: 'string', value: null });
    expect(f('fr')).toEqual({ kind: 'fraction', num: -3, den: 2 });
    expect(f('bm')).toEqual({ kind: 'bitmask', value: 255n });
    expect(f('buf')).toEqual({ kind: 'buffer', value: new Uint8Array([0, 255, 16]) });
    expect(f('e')).toEqual({ kind: 'enum', gtype: 'GstFormat', value: 'time' });
    expect(f('fl')).toEqual({ kind: 'flags', gtype: 'GstStreamFlags', names: ['GST_STREAM_FLAG_SPARSE', 'GST_STREAM_FLAG_SELECT'] });
    expect(f('dt')).toEqual({ kind: 'other', gtype: 'datetime', text: '2020-01-02T03:04:05Z' });
  });

  it('infers untyped values: int, double, fraction, boolean, string', () => {
    const u = parseStructure('s, a=1, b=2.5, c=1/2, d=true, e=hello, f="quoted"');
    expect([...u.fields.values()].map((v) => v.kind)).toEqual(['int', 'double', 'fraction', 'boolean', 'string', 'string']);
  });

  it('parses nested segments, tag lists (escaped twice) and structures in both syntaxes', () => {
    const seg = parseStructure('GstEventSegment, segment=(GstSegment)"segment, rate=(double)2, stop=(guint64)18446744073709551615;";');
    const inner = getField(seg, 'segment');
    expect(inner?.kind).toBe('segment');
    if (inner?.kind === 'segment') expect(getField(inner.value, 'rate')).toEqual({ kind: 'double', value: 2 });
    const tags = parseStructure('GstTagList-global, taglist=(taglist)"taglist\\,\\ title\\=\\(string\\)\\"Synthetic\\\\\\ \\\\\\"quoted\\\\\\"\\\\\\,\\\\\\ title\\"\\;";');
    const tl = getField(tags, 'taglist');
    if (tl?.kind !== 'taglist') throw new Error('not a taglist');
    expect(getField(tl.value, 'title')).toEqual({ kind: 'string', value: 'Synthetic "quoted", title' });
    const a = parseStructure('s, t=(structure)"b\\,\\ c\\=\\(int\\)1\\;";');
    const b = parseCaps('s, t=(structure)[b, c=(int)1;]');
    expect(getField(a, 't')).toEqual(getField(b.structures[0]?.structure ?? a, 't'));
  });

  it('parses lists, arrays and ranges with the type outside or inside', () => {
    expect(parseValue('(string){ I420, NV12 }')).toEqual({ kind: 'list', items: [{ kind: 'string', value: 'I420' }, { kind: 'string', value: 'NV12' }] });
    expect(parseValue('{ (string)I420, (string)NV12 }')).toEqual(parseValue('(string){ I420, NV12 }'));
    expect(parseValue('(int)[ 1, 100 ]')).toEqual({ kind: 'range', min: { kind: 'int', value: 1 }, max: { kind: 'int', value: 100 } });
    expect(parseValue('(int)[ 0, 10, 2 ]')).toMatchObject({ step: { kind: 'int', value: 2 } });
    expect(parseValue('(int)[ 1, 10, 1 ]')).not.toHaveProperty('step');
    expect(parseValue('(fraction)[ 0/1, 2147483647/1 ]')).toMatchObject({ kind: 'range', max: { kind: 'fraction', num: 2147483647, den: 1 } });
    expect(parseValue('(buffer)< 0102, ff >')).toEqual({ kind: 'array', items: [{ kind: 'buffer', value: new Uint8Array([1, 2]) }, { kind: 'buffer', value: new Uint8Array([255]) }] });
    expect(parseValue('(int)<  >')).toEqual({ kind: 'array', items: [] });
  });

  it('reads the GValueArray of element messages (level) as an array of untyped items', () => {
    // As gst-launch -m prints a `level` message; GStreamer 1.22 itself cannot read this back.
    const level = parseStructure('level, endtime=(guint64)69659864, rms=(GValueArray)< -4.9587576873676138 >, peak=(GValueArray)< -1.93, -3 >;');
    expect(getField(level, 'rms')).toEqual({ kind: 'array', items: [{ kind: 'double', value: -4.9587576873676138 }] });
    expect(getField(level, 'peak')).toEqual({ kind: 'array', items: [{ kind: 'double', value: -1.93 }, { kind: 'int', value: -3 }] });
  });
});

describe('parseCaps', () => {
  it('reads ANY, EMPTY, NONE and features', () => {
    expect(parseCaps('ANY')).toEqual({ any: true, structures: [] });
    expect(parseCaps('EMPTY')).toEqual({ any: false, structures: [] });
    expect(parseCaps('NONE')).toEqual({ any: false, structures: [] });
    const c = parseCaps('video/x-raw(memory:GLMemory, meta:GstVideoOverlayComposition), format=(string)RGBA; audio/x-raw(ANY); video/x-raw(memory:SystemMemory)');
    expect(c.structures.map((e) => e.features)).toEqual([{ any: false, names: ['memory:GLMemory', 'meta:GstVideoOverlayComposition'] }, { any: true, names: [] }, null]);
    expect(c.structures.map((e) => e.structure.name)).toEqual(['video/x-raw', 'audio/x-raw', 'video/x-raw']);
  });

  it('reads streamheader buffers of real caps', () => {
    const c = parseCaps('audio/x-vorbis, rate=(int)8000, channels=(int)1, streamheader=(buffer)< 01766f72626973, 03766f72 >');
    const sh = getField(c.structures[0]?.structure ?? { name: '', fields: new Map() }, 'streamheader');
    expect(sh).toEqual({ kind: 'array', items: [{ kind: 'buffer', value: Uint8Array.from(Buffer.from('01766f72626973', 'hex')) }, { kind: 'buffer', value: Uint8Array.from([3, 0x76, 0x6f, 0x72]) }] });
  });
});

describe('parse errors name the position', () => {
  const cases: Array<[string, number, string]> = [
    ['s, x', 4, "'='"],
    ['s, x=', 5, 'value'],
    ['s, x=(int)abc', 10, 'int'],
    ['s, x=(string)"unterminated', 13, 'unterminated'],
    ['s, x=<1, 2', 10, "'>'"],
    ['s, x={1 2}', 8, "'}'"],
    ['s, x=[1]', 5, 'range'],
    ['1abc, x=1', 0, 'structure name'],
    ['s x=1', 2, "','"],
    ['s, x=(int', 9, "')'"],
    ['s, x=(string)"\\351"', 13, 'UTF-8'],
  ];
  it.each(cases)('%j fails at %i', (text, pos, what) => {
    try {
      parseStructure(text);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(GdpParseError);
      expect((e as GdpParseError).position).toBe(pos);
      expect((e as GdpParseError).message).toContain(what);
    }
  });

  it('refuses nesting deeper than 64 levels instead of overflowing the stack', () => {
    const deep = `s, x=${'<'.repeat(10000)}1${'>'.repeat(10000)}`;
    expect(() => parseStructure(deep)).toThrow(GdpParseError);
  });
});
