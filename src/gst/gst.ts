/**
 * Lazy access to GStreamer through node-gtk. `loadGst()` loads node-gtk (via {@link loadGi}), the
 * Gst and GstApp namespaces, and calls `Gst.init` exactly once; nothing here runs at import time,
 * so importing `torsion` or `torsion/gst` never loads the native module. Internal: the generated Gst
 * types stay out of the public `.d.ts` (PITFALLS 20). Tests: test/gst/gst.test.ts.
 */
import { loadGi, type GiCore } from '../reactor/gi';

type Gi = GiCore['gi'];

function requireGst(gi: Gi) { return gi.require('Gst', '1.0'); }
function requireGstApp(gi: Gi) { return gi.require('GstApp', '1.0'); }

/** The Gst namespace as typed by the generated node-gtk typings. */
export type GstNamespace = ReturnType<typeof requireGst>;
/** A GstElement (any element: pipelines, sinks, sources). */
export type GstElement = InstanceType<GstNamespace['Element']>;
/** A GstPipeline (a bin). */
export type GstPipelineElement = InstanceType<GstNamespace['Pipeline']>;
/** A GstBus. */
export type GstBus = InstanceType<GstNamespace['Bus']>;
/** A GstMessage. */
export type GstMessage = InstanceType<GstNamespace['Message']>;

/** node-gtk, GLib/GObject/Gio and the initialised Gst/GstApp namespaces. */
export interface GstCore extends GiCore {
  readonly Gst: GstNamespace;
  readonly GstApp: ReturnType<typeof requireGstApp>;
}

let core: GstCore | undefined;

/** Loads node-gtk and GStreamer (once) and returns the namespaces; `Gst.init` has run. */
export function loadGst(): GstCore {
  if (core === undefined) {
    const gi = loadGi();
    const Gst = requireGst(gi.gi);
    Gst.init(null);
    core = { ...gi, Gst, GstApp: requireGstApp(gi.gi) };
  }
  return core;
}

/** True once {@link loadGst} has initialised GStreamer in this process. */
export function isGstLoaded(): boolean {
  return core !== undefined;
}

/** The GStreamer runtime version as `[major, minor, micro, nano]`. */
export function gstVersion(): readonly [number, number, number, number] {
  const [major, minor, micro, nano] = loadGst().Gst.version();
  return [major, minor, micro, nano];
}
