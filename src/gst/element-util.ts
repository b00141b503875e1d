/**
 * Helpers over GstElement for the hand-typed plugin elements of elements.ts: the factory name of
 * an element and a typed view of it. Internal. Tests: test/gst/fd-sink-variants.test.ts.
 */
import type { GstElement } from './gst';

/** The factory (plugin feature) name of an element, e.g. `multifdsink`. */
export function factoryName(element: GstElement): string {
  return element.getFactory()?.getName() ?? '';
}

/** View an element as one of the hand-typed plugin elements (no runtime check). */
export function asPluginElement<T>(element: GstElement): T & GstElement {
  return element as unknown as T & GstElement;
}
