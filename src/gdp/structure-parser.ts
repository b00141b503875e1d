/**
 * Parser for GstStructure and GstCaps text as GStreamer 1.22 prints it (and the looser forms it
 * accepts: untyped values, type aliases, extra spaces). Bad text raises `GdpParseError` with the
 * index where parsing stopped. Tests: test/gdp/structure-parser.test.ts.
 */
import { GdpParseError } from './errors';
import {
  CAPS_FEATURE_MEMORY_SYSTEM_MEMORY, type GstCaps, type GstCapsEntry, type GstCapsFeatures, type GstStructure,
  type GstValue,
} from './gst-value';
import { isTokenChar, parseDoubleToken, parseIntegerToken, unwrapString } from './gst-text';

/** Canonical type names, from every spelling GStreamer accepts. */
const TYPE_ALIASES: Readonly<Record<string, string>> = {
  int: 'int', i: 'int', gint: 'int', uint: 'uint', u: 'uint', guint: 'uint',
  gint64: 'int64', int64: 'int64', guint64: 'uint64', uint64: 'uint64',
  double: 'double', d: 'double', gdouble: 'double', float: 'float', f: 'float', gfloat: 'float',
  boolean: 'boolean', bool: 'boolean', b: 'boolean', gboolean: 'boolean',
  string: 'string', str: 'string', s: 'string', gchararray: 'string',
  fraction: 'fraction', GstFraction: 'fraction', bitmask: 'bitmask', GstBitmask: 'bitmask',
  buffer: 'buffer', GstBuffer: 'buffer', structure: 'structure', GstStructure: 'structure', GstCaps: 'caps',
  taglist: 'taglist', GstTagList: 'taglist', GstSegment: 'segment',
  // GValueArray: what element messages carry (`level`'s `peak=(GValueArray)< -4.9, -3.5 >`). GStreamer
  // 1.22 prints it but cannot read it back ("unimplemented"); we read it as an array of untyped items.
  array: 'array', GstValueArray: 'array', GValueArray: 'array', list: 'list', GstValueList: 'list',
  GstIntRange: 'range:int', GstInt64Range: 'range:int64', GstDoubleRange: 'range:double', GstFractionRange: 'range:fraction',
  date: 'other:date', GDate: 'other:date', datetime: 'other:datetime', GstDateTime: 'other:datetime',
  flagset: 'other:flagset', GstFlagSet: 'other:flagset', type: 'other:type', GType: 'other:type',
  sample: 'other:sample', GstSample: 'other:sample',
};

const MAX_DEPTH = 64;
const INT_NAMES: Readonly<Record<string, bigint>> = { little_endian: 1234n, big_endian: 4321n, byte_order: 1234n };

/** Parses one structure (`name, field=(type)value, ...` with an optional final `;`). */
export function parseStructure(text: string): GstStructure {
  const p = new Parser(text);
  const s = p.structure(0, false);
  p.skipSpaces();
  if (p.peek() === 0x3b) p.pos++;
  p.skipSpaces();
  if (!p.atEnd()) p.fail('unexpected text after the structure');
  return s;
}

/** Parses caps: `ANY`, `EMPTY`/`NONE`, or structures with optional features, separated by `;`. */
export function parseCaps(text: string): GstCaps {
  const p = new Parser(text);
  const caps = p.caps(0, false);
  p.skipSpaces();
  if (!p.atEnd()) p.fail('unexpected text after the caps');
  return caps;
}

/** Parses a single value as it appears after `=` (e.g. `(int)[ 1, 100 ]`). */
export function parseValue(text: string): GstValue {
  const p = new Parser(text);
  const v = p.value(null, 0);
  p.skipSpaces();
  if (!p.atEnd()) p.fail('unexpected text after the value');
  return v;
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(reason: string, at = this.pos): never {
    throw new GdpParseError(reason, this.text, at);
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  peek(): number {
    return this.pos < this.text.length ? this.text.charCodeAt(this.pos) : -1;
  }

  skipSpaces(): void {
    while (this.pos < this.text.length) {
      const c = this.text.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0b && c !== 0x0c) break;
      this.pos++;
    }
  }

  expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  token(): string {
    const start = this.pos;
    while (this.pos < this.text.length && isTokenChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** `name[, field=value]*`; stops before `;`, `]` (nested) or the end. */
  structure(depth: number, nested: boolean, name?: string): GstStructure {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    let structName = name;
    if (structName === undefined) {
      this.skipSpaces();
      const at = this.pos;
      structName = this.token();
      if (!/^[A-Za-z][A-Za-z0-9/\-_.:+]*$/.test(structName)) this.fail('expected a structure name (a letter, then letters, digits or /-_.:+)', at);
    }
    const fields = new Map<string, GstValue>();
    for (;;) {
      this.skipSpaces();
      const c = this.peek();
      if (c === -1 || c === 0x3b || (nested && c === 0x5d)) break;
      this.expect(',');
      this.skipSpaces();
      const d = this.peek();
      if (d === -1 || d === 0x3b || (nested && d === 0x5d)) break; // "name," and "a=1," are accepted
      const at = this.pos;
      const field = this.token();
      if (field.length === 0) this.fail('expected a field name', at);
      this.skipSpaces();
      this.expect('=');
      fields.set(field, this.value(null, depth + 1));
    }
    return { name: structName, fields };
  }

  caps(depth: number, nested: boolean): GstCaps {
    this.skipSpaces();
    const start = this.pos;
    const word = this.token();
    this.skipSpaces();
    const next = this.peek();
    const ends = next === -1 || (nested && next === 0x5d);
    if (ends && word === 'ANY') return { any: true, structures: [] };
    if (ends && (word === 'EMPTY' || word === 'NONE')) return { any: false, structures: [] };
    this.pos = start;
    const structures: GstCapsEntry[] = [];
    for (;;) {
      this.skipSpaces();
      const at = this.pos;
      const name = this.token();
      if (!/^[A-Za-z][A-Za-z0-9/\-_.:+]*$/.test(name)) this.fail('expected a caps structure name', at);
      let features: GstCapsFeatures | null = null;
      if (this.peek() === 0x28) features = this.features();
      const structure = this.structure(depth, nested, name);
      structures.push({ structure, features });
      this.skipSpaces();
      if (this.peek() !== 0x3b) break;
      this.pos++;
      this.skipSpaces();
      if (this.atEnd() || (nested && this.peek() === 0x5d)) break;
    }
    return { any: false, structures };
  }

  features(): GstCapsFeatures | null {
    this.expect('(');
    const names: string[] = [];
    if (this.peek() !== 0x29) {
      for (;;) {
        const at = this.pos;
        const name = this.token();
        if (name.length === 0) this.fail('expected a caps feature name', at);
        names.push(name);
        if (this.peek() === 0x2c) {
          this.pos++;
          this.skipSpaces();
          continue;
        }
        break;
      }
    }
    this.expect(')');
    if (names.length === 1 && names[0] === 'ANY') return { any: true, names: [] };
    if (names.length === 0 || (names.length === 1 && names[0] === CAPS_FEATURE_MEMORY_SYSTEM_MEMORY)) return null;
    return { any: false, names };
  }

  /** A value, optionally preceded by `(type)`; `type` is the type given outside (list items). */
  value(outerType: string | null, depth: number): GstValue {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    this.skipSpaces();
    let type = outerType;
    if (this.peek() === 0x28) {
      this.pos++;
      this.skipSpaces();
      const at = this.pos;
      const name = this.token();
      if (name.length === 0) this.fail('expected a type name', at);
      type = TYPE_ALIASES[name] ?? name;
      this.skipSpaces();
      this.expect(')');
      this.skipSpaces();
    }
    const c = this.peek();
    const start = this.pos;
    if (c === 0x5b && (type === 'structure' || type === 'caps')) return this.bracketed(type, depth);
    if (c === 0x5b) return this.range(type, depth);
    if (c === 0x7b) return { kind: 'list', items: this.items('{', '}', listItemType(type), depth) };
    if (c === 0x3c) return { kind: 'array', items: this.items('<', '>', listItemType(type), depth) };
    if (type === 'array' || type === 'list' || (type !== null && type.startsWith('range:'))) this.fail(`expected a ${type} value`);
    let tok: string;
    let quoted = false;
    if (c === 0x22) {
      const r = unwrapString(this.text, this.pos);
      if ('fail' in r) this.fail(r.reason, r.fail);
      tok = r.value;
      this.pos = r.end;
      quoted = true;
    } else {
      tok = this.token();
      if (tok.length === 0) this.fail('expected a value');
    }
    return this.typed(type, tok, quoted, start, depth);
  }

  items(open: string, close: string, type: string | null, depth: number): GstValue[] {
    this.expect(open);
    const items: GstValue[] = [];
    this.skipSpaces();
    if (this.text[this.pos] === close) {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.value(type, depth + 1));
      this.skipSpaces();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(close);
      return items;
    }
  }

  range(type: string | null, depth: number): GstValue {
    const at = this.pos;
    const elementType = type !== null && type.startsWith('range:') ? type.slice(6) : type;
    const items = this.items('[', ']', elementType, depth);
    if (items.length < 2 || items.length > 3) this.fail('a range needs 2 or 3 values', at);
    const [min, max, step] = items as [GstValue, GstValue, GstValue | undefined];
    if (min.kind !== max.kind || (step !== undefined && step.kind !== min.kind)) this.fail('range bounds of different types', at);
    if (min.kind !== 'int' && min.kind !== 'int64' && min.kind !== 'double' && min.kind !== 'fraction') {
      this.fail(`no ${min.kind} ranges (int, int64, double or fraction only)`, at);
    }
    if (step !== undefined && min.kind !== 'int' && min.kind !== 'int64') this.fail('only int and int64 ranges have a step', at);
    if (!rangeOrdered(min, max)) this.fail('range minimum is not below its maximum', at);
    if (step !== undefined && !stepFits(min, max, step)) this.fail('range step must be positive and divide both bounds', at);
    if (step === undefined) return { kind: 'range', min, max };
    const one = min.kind === 'int' ? step.kind === 'int' && step.value === 1 : step.kind === 'int64' && step.value === 1n;
    return one ? { kind: 'range', min, max } : { kind: 'range', min, max, step };
  }

  /** `[structure;]` or `[caps]` (GStreamer 1.20+ nested syntax inside caps). */
  bracketed(type: 'structure' | 'caps', depth: number): GstValue {
    this.expect('[');
    let v: GstValue;
    if (type === 'structure') {
      v = { kind: 'structure', value: this.structure(depth + 1, true) };
      this.skipSpaces();
      if (this.peek() === 0x3b) this.pos++;
    } else {
      v = { kind: 'caps', value: this.caps(depth + 1, true) };
    }
    this.skipSpaces();
    this.expect(']');
    return v;
  }

  typed(type: string | null, tok: string, quoted: boolean, at: number, depth: number): GstValue {
    if (type === null) return quoted ? { kind: 'string', value: tok } : inferValue(tok);
    const bad = (what: string): never => this.fail(`invalid ${what} value ${JSON.stringify(tok)}`, at);
    const nested = <T>(parse: (t: string) => T): T => {
      if (depth > MAX_DEPTH) this.fail('nesting too deep', at);
      try {
        return parse(tok);
      } catch (err) {
        if (err instanceof GdpParseError) this.fail(`in nested ${type} text: ${err.message}`, at);
        throw err;
      }
    };
    if (type === 'string') return { kind: 'string', value: !quoted && tok === 'NULL' ? null : tok };
    // Nested structures and caps: the (unquoted or unescaped) token is their text.
    if (type === 'structure' || type === 'taglist' || type === 'segment') return { kind: type, value: nested(parseStructure) };
    if (type === 'caps') return { kind: 'caps', value: nested(parseCaps) };
    if (quoted) {
      if (!KNOWN_SIMPLE.has(type)) return { kind: 'other', gtype: type.startsWith('other:') ? type.slice(6) : type, text: this.text.slice(at, this.pos) };
      bad(type);
    }
    const v = simpleTyped(type, tok);
    if (v === null) bad(type);
    return v as GstValue;
  }
}

function rangeOrdered(min: GstValue, max: GstValue): boolean {
  if ((min.kind === 'int' || min.kind === 'double') && min.kind === max.kind) return min.value < max.value;
  if (min.kind === 'int64' && max.kind === 'int64') return min.value < max.value;
  if (min.kind === 'fraction' && max.kind === 'fraction') return BigInt(min.num) * BigInt(max.den) < BigInt(max.num) * BigInt(min.den);
  return false;
}

function stepFits(min: GstValue, max: GstValue, step: GstValue): boolean {
  const big = (v: GstValue): bigint => (v.kind === 'int' ? BigInt(v.value) : v.kind === 'int64' ? v.value : 0n);
  const st = big(step);
  return st > 0n && big(min) % st === 0n && big(max) % st === 0n;
}

const KNOWN_SIMPLE = new Set(['int', 'uint', 'int64', 'uint64', 'double', 'float', 'boolean', 'fraction', 'bitmask', 'buffer']);

function listItemType(type: string | null): string | null {
  if (type === 'array' || type === 'list') return null;
  return type;
}

const TWO31 = 1n << 31n;
const TWO32 = 1n << 32n;
const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;
const FLT_MAX = 3.4028234663852886e38;

function intValue(tok: string, kind: 'int' | 'uint' | 'int64' | 'uint64'): bigint | null {
  const named = INT_NAMES[tok];
  if (named !== undefined) return named;
  if (tok === 'max') return { int: TWO31 - 1n, uint: TWO32 - 1n, int64: TWO63 - 1n, uint64: TWO64 - 1n }[kind];
  if (tok === 'min') return { int: -TWO31, uint: 0n, int64: -TWO63, uint64: 0n }[kind];
  const v = parseIntegerToken(tok);
  if (v === null) return null;
  const wide = kind === 'int64' || kind === 'uint64';
  const [lo, hi] = wide ? [-TWO63, TWO64 - 1n] : [-TWO31, TWO32 - 1n];
  if (v < lo || v > hi) return null;
  return v;
}

/** Deserializes a bare token as one of the simple or named types. */
function simpleTyped(type: string, tok: string): GstValue | null {
  switch (type) {
    case 'int': case 'uint': {
      const v = intValue(tok, type);
      if (v === null) return null;
      return { kind: type, value: type === 'int' ? Number(BigInt.asIntN(32, v)) : Number(BigInt.asUintN(32, v)) };
    }
    case 'int64': case 'uint64': {
      const v = intValue(tok, type);
      if (v === null) return null;
      return { kind: type, value: type === 'int64' ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v) };
    }
    case 'double': case 'float': {
      const v = tok === 'max' ? Number.MAX_VALUE : tok === 'min' ? Number.MIN_VALUE : parseDoubleToken(tok);
      if (v === null) return null;
      if (type === 'float') return Number.isFinite(v) && Math.abs(v) > FLT_MAX ? null : { kind: 'float', value: Math.fround(v) };
      return { kind: 'double', value: v };
    }
    case 'boolean': {
      const t = tok.toLowerCase();
      if (t === 'true' || t === 'yes' || t === 't' || t === '1') return { kind: 'boolean', value: true };
      if (t === 'false' || t === 'no' || t === 'f' || t === '0') return { kind: 'boolean', value: false };
      return null;
    }
    case 'fraction':
      return parseFraction(tok);
    case 'bitmask': {
      const m = /^(?:0[xX])?([0-9a-fA-F]{1,16})$/.exec(tok);
      return m === null ? null : { kind: 'bitmask', value: BigInt(`0x${m[1] as string}`) };
    }
    case 'buffer': {
      if (tok.length === 0 || tok.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(tok)) return null;
      const bytes = new Uint8Array(tok.length / 2);
      for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(tok.slice(2 * i, 2 * i + 2), 16);
      return { kind: 'buffer', value: bytes };
    }
    default:
      if (type.startsWith('other:')) return { kind: 'other', gtype: type.slice(6), text: tok };
      if (/Flags$/.test(type)) return { kind: 'flags', gtype: type, names: tok.split('+') };
      return { kind: 'enum', gtype: type, value: tok };
  }
}

function gcd(a: number, b: number): number {
  let x = Math.abs(a);
  let y = Math.abs(b);
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

function parseFraction(tok: string): GstValue | null {
  const m = /^([^/]+)(?:\/([^/]+))?$/.exec(tok);
  if (m === null) return null;
  const n = intValue(m[1] as string, 'int');
  const d = m[2] === undefined ? 1n : intValue(m[2], 'int');
  if (n === null || d === null || d === 0n || n < -TWO31 || n >= TWO31 || d < -TWO31 || d >= TWO31) return null;
  let num = Number(n);
  let den = Number(d);
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const g = gcd(num, den) || 1;
  return { kind: 'fraction', num: num / g + 0, den: den / g };
}

/** An untyped bare token: int, then double, then fraction, then boolean, else string. */
function inferValue(tok: string): GstValue {
  return simpleTyped('int', tok) ?? simpleTyped('double', tok) ?? parseFraction(tok) ??
    simpleTyped('boolean', tok) ?? { kind: 'string', value: tok };
}
