/**
 * GstEventType numbers (GStreamer 1.x) and their names, as they appear in GDP event packets (wire
 * type minus 64, so the custom types at or above 65472 appear wrapped, minus 65536).
 * Tests: test/gdp/event-types.test.ts.
 */

/** GstEventType flag bits (low byte of the type). */
export const GST_EVENT_TYPE_UPSTREAM = 0x01;
export const GST_EVENT_TYPE_DOWNSTREAM = 0x02;
export const GST_EVENT_TYPE_SERIALIZED = 0x04;
export const GST_EVENT_TYPE_STICKY = 0x08;
export const GST_EVENT_TYPE_STICKY_MULTI = 0x10;

/** GstEventType values of GStreamer 1.22. */
export const GstEventType = {
  UNKNOWN: 0,
  FLUSH_START: 2563,
  FLUSH_STOP: 5127,
  STREAM_START: 10254,
  CAPS: 12814,
  SEGMENT: 17934,
  STREAM_COLLECTION: 19230,
  TAG: 20510,
  BUFFERSIZE: 23054,
  SINK_MESSAGE: 25630,
  STREAM_GROUP_DONE: 26894,
  EOS: 28174,
  TOC: 30750,
  PROTECTION: 33310,
  SEGMENT_DONE: 38406,
  GAP: 40966,
  INSTANT_RATE_CHANGE: 46090,
  QOS: 48641,
  SEEK: 51201,
  NAVIGATION: 53761,
  LATENCY: 56321,
  STEP: 58881,
  RECONFIGURE: 61441,
  TOC_SELECT: 64001,
  SELECT_STREAMS: 66561,
  INSTANT_RATE_SYNC_TIME: 66817,
  CUSTOM_UPSTREAM: 69121,
  CUSTOM_DOWNSTREAM: 71686,
  CUSTOM_DOWNSTREAM_OOB: 74242,
  CUSTOM_DOWNSTREAM_STICKY: 76830,
  CUSTOM_BOTH: 79367,
  CUSTOM_BOTH_OOB: 81923,
} as const;

const NAMES = new Map<number, string>(Object.entries(GstEventType).map(([k, v]) => [v, k.toLowerCase().replace(/_/g, '-')]));

/**
 * The GStreamer name of an event type (`stream-start`, `segment`...). Wrapped custom types (as
 * gdpdepay delivers them) are named with a `(wrapped)` suffix; unknown numbers as `unknown(N)`.
 */
export function gstEventTypeName(eventType: number): string {
  const direct = NAMES.get(eventType);
  if (direct !== undefined) return direct;
  const wrapped = NAMES.get(eventType + 65536);
  if (wrapped !== undefined) return `${wrapped}(wrapped)`;
  return `unknown(${eventType})`;
}

/** True for sticky event types (flag 0x08: stream-start, caps, segment, tag, ...). */
export function isStickyEventType(eventType: number): boolean {
  return (eventType & GST_EVENT_TYPE_STICKY) !== 0;
}

/** True for sticky types stored once per structure name (tag, toc, protection, ...). */
export function isStickyMultiEventType(eventType: number): boolean {
  return (eventType & GST_EVENT_TYPE_STICKY_MULTI) !== 0;
}
