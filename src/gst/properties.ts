/**
 * Element properties across the node-gtk boundary: property names in GStreamer's dashed form
 * (`sync-method`) are read and written through node-gtk's camelCase accessors; 64-bit values stay
 * `bigint` and are never mixed with numbers (PITFALLS 13); `caps` strings become GstCaps.
 * Tests: test/gst/pipeline.test.ts.
 */
import { GstOptionsError } from './errors';
import type { GstCore, GstElement } from './gst';

import type { PropertyValue } from './types';

export type { PropertyValue } from './types';

/** `sync-method` → `syncMethod`. */
export function camelCase(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

type Bag = Record<string, unknown>;

/** Set one property; a string for a `caps` property is parsed into GstCaps. */
export function setElementProperty(core: GstCore, element: GstElement, name: string, value: PropertyValue): void {
  let v: unknown = value;
  if ((name === 'caps' || name.endsWith('-caps')) && typeof value === 'string') {
    v = core.Gst.Caps.fromString(value);
    if (v === null) throw new GstOptionsError(`Invalid caps for '${name}': ${value}`);
  }
  try {
    (element as unknown as Bag)[camelCase(name)] = v;
  } catch (error) {
    throw new GstOptionsError(`Cannot set property '${name}' on ${element.getName() ?? 'element'}: ${String(error)}`, { cause: error });
  }
}

/** Read one property; objects (caps, structures) come back serialised, unknown ones as `null`. */
export function getElementProperty(element: GstElement, name: string): PropertyValue | null {
  const v = (element as unknown as Bag)[camelCase(name)];
  switch (typeof v) {
    case 'string': case 'number': case 'boolean': case 'bigint':
      return v;
    case 'object':
      return v === null ? null : String((v as { toString(): string }).toString());
    default:
      return null;
  }
}
