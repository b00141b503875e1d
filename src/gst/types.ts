/**
 * The plain public types of the GStreamer layer that other modules share (bus messages, states,
 * property values). This file imports no Gst type, so the public `.d.ts` stays free of the
 * generated typings (PITFALLS 20). Tests: test/gst/pipeline.test.ts.
 */
import type { GstError } from './errors';

/** GStreamer's state names, indexed by GstState. */
export const STATE_NAMES = ['void-pending', 'null', 'ready', 'paused', 'playing'] as const;
/** A pipeline state a caller may ask for. */
export type PipelineState = 'null' | 'ready' | 'paused' | 'playing';
/** A state as GStreamer reports it (`void-pending` means "no pending state"). */
export type ReportedState = (typeof STATE_NAMES)[number];

/** One message from a pipeline's bus. */
export interface BusMessage {
  /** GStreamer's name for the type: `eos`, `error`, `warning`, `state-changed`, `async-done`, `element`, … */
  readonly type: string;
  /** Path of the object that posted it, e.g. `/GstPipeline:pipeline0/GstMultiFdSink:sink`. */
  readonly source: string | null;
  /** Name of the object that posted it (`sink`). */
  readonly sourceName: string | null;
  /** For `error`, `warning` and `info`: the GError with its details. */
  readonly error?: GstError;
  /** For `state-changed`: the transition. */
  readonly state?: { readonly old: ReportedState; readonly current: ReportedState; readonly pending: ReportedState };
  /** For `element` and `application` messages: the structure, serialised (`GstFdSrcTimeout, timeout=…`). */
  readonly structure?: string;
}

/** A property value as this layer exposes it. 64-bit properties are `bigint`. */
export type PropertyValue = string | number | boolean | bigint;
