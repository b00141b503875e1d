/**
 * Printer for GstStructure and GstCaps text, matching GStreamer 1.22 byte for byte:
 * `printStructure` is gst_structure_to_string (nested structures and caps as escaped quoted
 * strings, final `;`), `printCaps` is gst_caps_to_string (nested structures and caps in `[ ]`).
 * Tests: test/gdp/structure-printer.test.ts.
 */
import {
  CAPS_FEATURE_MEMORY_SYSTEM_MEMORY, type GstCaps, type GstCapsFeatures, type GstStructure, type GstValue,
} from './gst-value';
import { formatDouble, serializeString } from './gst-text';

/** How nested structures/caps are written: `[...]` (caps style) or escaped quotes (structure style). */
type Style = 'brackets' | 'quoted';

/** gst_structure_to_string: `name, field=(type)value, ...;`. */
export function printStructure(s: GstStructure): string {
  return `${structureBody(s, 'quoted')};`;
}

/** gst_caps_to_string: `ANY`, `EMPTY`, or `name(features), field=(type)value; ...`. */
export function printCaps(caps: GstCaps): string {
  if (caps.any) return 'ANY';
  if (caps.structures.length === 0) return 'EMPTY';
  return caps.structures.map((e) => {
    const name = e.structure.name + featuresText(e.features);
    return structureBody({ name, fields: e.structure.fields }, 'brackets');
  }).join('; ');
}

/** One value as it appears after `field=` in a structure (type prefix included). */
export function printFieldValue(v: GstValue, style: Style = 'quoted'): string {
  return `(${typeName(genericKind(v))})${serialize(v, style, false)}`;
}

function featuresText(f: GstCapsFeatures | null): string {
  if (f === null) return '';
  if (f.any) return '(ANY)';
  if (f.names.length === 0 || (f.names.length === 1 && f.names[0] === CAPS_FEATURE_MEMORY_SYSTEM_MEMORY)) return '';
  return `(${f.names.join(', ')})`;
}

function structureBody(s: GstStructure, style: Style): string {
  let out = s.name;
  for (const [name, v] of s.fields) out += `, ${name}=${printFieldValue(v, style)}`;
  return out;
}

/** The value whose type names a field: the first item of (nested) lists/arrays, a range's bounds. */
function genericKind(v: GstValue): GstValue | 'int' {
  if (v.kind === 'array' || v.kind === 'list') {
    const first = v.items[0];
    return first === undefined ? 'int' : genericKind(first);
  }
  if (v.kind === 'range') return v.min;
  return v;
}

function typeName(v: GstValue | 'int'): string {
  if (v === 'int') return 'int';
  switch (v.kind) {
    case 'int': case 'uint': case 'double': case 'float': case 'boolean': case 'string': case 'fraction':
    case 'bitmask': case 'buffer': case 'structure': case 'taglist': case 'array': case 'list':
      return v.kind;
    case 'int64':
      return 'gint64';
    case 'uint64':
      return 'guint64';
    case 'caps':
      return 'GstCaps';
    case 'segment':
      return 'GstSegment';
    case 'flags': case 'enum': case 'other':
      return v.gtype;
    case 'range':
      return { int: 'GstIntRange', int64: 'GstInt64Range', double: 'GstDoubleRange', fraction: 'GstFractionRange' }[
        v.min.kind as 'int' | 'int64' | 'double' | 'fraction'] ?? 'GstIntRange';
  }
}

/**
 * gst_value_serialize. `typedItems` is set inside lists/arrays that are themselves items (GStreamer
 * then prints each item's type, and nested structures always quoted).
 */
function serialize(v: GstValue, style: Style, typedItems: boolean): string {
  switch (v.kind) {
    case 'int': case 'uint':
      return String(v.value);
    case 'int64': case 'uint64':
      return v.value.toString();
    case 'double': case 'float':
      return formatDouble(v.value);
    case 'boolean':
      return v.value ? 'true' : 'false';
    case 'string':
      return serializeString(v.value);
    case 'fraction':
      return `${v.num}/${v.den}`;
    case 'bitmask':
      return `0x${v.value.toString(16).padStart(16, '0')}`;
    case 'buffer': {
      let hex = '';
      for (const b of v.value) hex += (b < 16 ? '0' : '') + b.toString(16);
      return hex;
    }
    case 'structure':
      return style === 'brackets' ? `[${structureBody(v.value, 'brackets')};]` : serializeString(printStructure(v.value));
    case 'caps':
      return style === 'brackets' ? `[${printCaps(v.value)}]` : serializeString(printCaps(v.value));
    case 'taglist':
      return serializeString(printStructure(v.value));
    case 'segment':
      return `"${printStructure(v.value)}"`;
    case 'flags':
      return v.names.join('+');
    case 'enum':
      return v.value;
    case 'other':
      return v.text;
    case 'array': case 'list': {
      const [open, close] = v.kind === 'array' ? ['<', '>'] : ['{', '}'];
      const inner = v.items.map((item) => typedItems
        ? `(${typeName(item)})${serialize(item, 'quoted', true)}`
        : serialize(item, style, true)).join(', ');
      return `${open} ${inner} ${close}`;
    }
    case 'range': {
      const parts = [v.min, v.max, ...(v.step === undefined ? [] : [v.step])].map((x) => serialize(x, style, false));
      return `[ ${parts.join(', ')} ]`;
    }
  }
}
