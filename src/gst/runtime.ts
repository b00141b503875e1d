/**
 * Runtime facts about GStreamer for the public API, with plain types (the Gst namespace types stay
 * internal). Tests: test/gst/fd-sink-variants.test.ts.
 */
import { gstVersion as version, isGstLoaded as loaded } from './gst';

/** True once GStreamer was loaded and initialised in this process (the first Pipeline does it). */
export function isGstLoaded(): boolean {
  return loaded();
}

/** The GStreamer runtime version as `[major, minor, micro, nano]` (loads GStreamer). */
export function gstVersion(): readonly [number, number, number, number] {
  return version();
}
