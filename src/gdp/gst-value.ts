/**
 * A typed model of GstStructure and GstCaps values, as carried in GDP caps and event payloads
 * (parsed by ./structure-parser, printed by ./structure-printer). Tests: test/gdp/gst-value.test.ts.
 */

/** One typed value. 64-bit integers are `bigint`; 32-bit ones and floating point are `number`. */
export type GstValue =
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'uint'; readonly value: number }
  | { readonly kind: 'int64'; readonly value: bigint }
  | { readonly kind: 'uint64'; readonly value: bigint }
  | { readonly kind: 'double'; readonly value: number }
  /** A 32-bit float, held as the double it widens to. */
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  /** `null` is GStreamer's NULL string (printed `NULL`). */
  | { readonly kind: 'string'; readonly value: string | null }
  /** Reduced, with the sign on the numerator and `den > 0`. */
  | { readonly kind: 'fraction'; readonly num: number; readonly den: number }
  | { readonly kind: 'bitmask'; readonly value: bigint }
  | { readonly kind: 'buffer'; readonly value: Uint8Array }
  | { readonly kind: 'structure'; readonly value: GstStructure }
  | { readonly kind: 'caps'; readonly value: GstCaps }
  /** A GstTagList (a structure named `taglist`). */
  | { readonly kind: 'taglist'; readonly value: GstStructure }
  /** A GstSegment (a structure named `segment`), as segment events carry it. */
  | { readonly kind: 'segment'; readonly value: GstStructure }
  /** A flags type (GType name ending in `Flags`): the `+`-separated names (or numbers) as printed. */
  | { readonly kind: 'flags'; readonly gtype: string; readonly names: readonly string[] }
  /** An enum or other named value (`GstFormat` `time`, `GstToc` `NULL`): the token as printed. */
  | { readonly kind: 'enum'; readonly gtype: string; readonly value: string }
  /**
   * Any other type (date, datetime, flagset, GType, unknown types with a quoted value): kept as
   * the exact text GStreamer printed, so it round-trips without being interpreted.
   */
  | { readonly kind: 'other'; readonly gtype: string; readonly text: string }
  /** A GstValueArray `< a, b >`. */
  | { readonly kind: 'array'; readonly items: readonly GstValue[] }
  /** A GstValueList `{ a, b }`. */
  | { readonly kind: 'list'; readonly items: readonly GstValue[] }
  /** An int, int64, double or fraction range `[ min, max ]` (int/int64 with optional `step`). */
  | { readonly kind: 'range'; readonly min: GstValue; readonly max: GstValue; readonly step?: GstValue };

/** A GstStructure: a name and ordered, uniquely named fields. */
export interface GstStructure {
  readonly name: string;
  readonly fields: ReadonlyMap<string, GstValue>;
}

/** Caps features of one caps structure (`video/x-raw(memory:GLMemory)`); `any` for `(ANY)`. */
export interface GstCapsFeatures {
  readonly any: boolean;
  readonly names: readonly string[];
}

/** One structure of a caps, with its features (`null` = the default, memory:SystemMemory). */
export interface GstCapsEntry {
  readonly structure: GstStructure;
  readonly features: GstCapsFeatures | null;
}

/** GstCaps: `ANY` (`any` true, no structures), `EMPTY` (no structures) or a list of structures. */
export interface GstCaps {
  readonly any: boolean;
  readonly structures: readonly GstCapsEntry[];
}

/** The features GStreamer treats as "no features" and never prints. */
export const CAPS_FEATURE_MEMORY_SYSTEM_MEMORY = 'memory:SystemMemory';

/** Builds a structure from a name and `[field, value]` pairs (later duplicates replace earlier). */
export function gstStructure(name: string, fields: Iterable<readonly [string, GstValue]> = []): GstStructure {
  return { name, fields: new Map(fields) };
}

/** Field `name` of `s`, or `undefined`. */
export function getField(s: GstStructure, name: string): GstValue | undefined {
  return s.fields.get(name);
}

/**
 * The plain JavaScript value of simple fields (numbers, bigints, booleans, strings, enum names);
 * `undefined` for containers and nested types.
 */
export function simpleValue(v: GstValue | undefined): number | bigint | boolean | string | null | undefined {
  if (v === undefined) return undefined;
  switch (v.kind) {
    case 'int': case 'uint': case 'int64': case 'uint64': case 'double': case 'float': case 'boolean':
    case 'string': case 'bitmask': case 'enum':
      return v.value;
    case 'flags':
      return v.names.join('+');
    case 'other':
      return v.text;
    default:
      return undefined;
  }
}

/** Structural equality of two values (buffers by content, NaN equal to NaN, -0 distinct from 0). */
export function gstValueEquals(a: GstValue, b: GstValue): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'int': case 'uint': case 'double': case 'float':
      return Object.is(a.value, (b as typeof a).value);
    case 'int64': case 'uint64': case 'bitmask': case 'boolean': case 'string':
      return a.value === (b as typeof a).value;
    case 'fraction':
      return a.num === (b as typeof a).num && a.den === (b as typeof a).den;
    case 'buffer': {
      const y = (b as typeof a).value;
      return a.value.length === y.length && a.value.every((x, i) => x === y[i]);
    }
    case 'structure': case 'taglist': case 'segment':
      return gstStructureEquals(a.value, (b as typeof a).value);
    case 'caps':
      return gstCapsEquals(a.value, (b as typeof a).value);
    case 'flags':
      return a.gtype === (b as typeof a).gtype && a.names.join('+') === (b as typeof a).names.join('+');
    case 'enum':
      return a.gtype === (b as typeof a).gtype && a.value === (b as typeof a).value;
    case 'other':
      return a.gtype === (b as typeof a).gtype && a.text === (b as typeof a).text;
    case 'array': case 'list': {
      const y = (b as typeof a).items;
      return a.items.length === y.length && a.items.every((x, i) => gstValueEquals(x, y[i] as GstValue));
    }
    case 'range': {
      const y = b as typeof a;
      return gstValueEquals(a.min, y.min) && gstValueEquals(a.max, y.max) &&
        (a.step === undefined ? y.step === undefined : y.step !== undefined && gstValueEquals(a.step, y.step));
    }
  }
}

export function gstStructureEquals(a: GstStructure, b: GstStructure): boolean {
  if (a.name !== b.name || a.fields.size !== b.fields.size) return false;
  const bEntries = [...b.fields];
  return [...a.fields].every(([k, v], i) => {
    const other = bEntries[i];
    return other !== undefined && other[0] === k && gstValueEquals(v, other[1]);
  });
}

export function gstCapsEquals(a: GstCaps, b: GstCaps): boolean {
  if (a.any !== b.any || a.structures.length !== b.structures.length) return false;
  return a.structures.every((e, i) => {
    const o = b.structures[i] as GstCapsEntry;
    const fa = e.features;
    const fb = o.features;
    const sameFeatures = fa === null || fb === null ? fa === fb : fa.any === fb.any && fa.names.join(',') === fb.names.join(',');
    return sameFeatures && gstStructureEquals(e.structure, o.structure);
  });
}
