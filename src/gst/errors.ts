/**
 * Errors raised by the GStreamer layer (`torsion/gst`). Every class extends {@link TorsionError}
 * with a stable `code`, listed under "GStreamer" in docs/errors.md. Tests: test/gst/errors.test.ts.
 */
import { TorsionError, type TorsionErrorOptions } from '../errors';

/** What a GStreamer GError carried, plus where it came from. */
export interface GstErrorDetails {
  /** The GError domain as a string, e.g. `gst-stream-error-quark`, `gst-resource-error-quark`. */
  readonly domain: string;
  /** The GError code within its domain (e.g. GST_STREAM_ERROR_FAILED = 1). */
  readonly gstCode: number;
  /** The human-readable message. */
  readonly message: string;
  /** GStreamer's debug string (file, function, details), when there is one. */
  readonly debug: string | null;
  /** The path of the element that posted it, e.g. `/GstPipeline:pipeline0/GstFdSrc:src`. */
  readonly elementPath: string | null;
}

/**
 * An error reported by GStreamer: an ERROR bus message, a failed launch-line parse, or a state
 * change that failed with an error. `code` is Torsion's stable code; GStreamer's own code is `gstCode`.
 */
export class GstError extends TorsionError implements GstErrorDetails {
  override readonly code: string = 'TORSION_ERR_GST';
  readonly domain: string;
  readonly gstCode: number;
  readonly debug: string | null;
  readonly elementPath: string | null;
  constructor(details: GstErrorDetails, options?: TorsionErrorOptions) {
    super(details.elementPath === null ? details.message : `${details.message} (${details.elementPath})`, options);
    this.domain = details.domain;
    this.gstCode = details.gstCode;
    this.debug = details.debug;
    this.elementPath = details.elementPath;
  }
}

/** A state change failed without an error message, or was superseded by another `setState`. */
export class GstStateChangeError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_GST_STATE_CHANGE';
  constructor(readonly target: string, message?: string, options?: TorsionErrorOptions) {
    super(message ?? `Could not change the pipeline state to ${target}.`, options);
  }
}

/** The pipeline (or sink, or source) was disposed before the operation completed. */
export class GstDisposedError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_GST_DISPOSED';
  constructor(message = 'The GStreamer object was disposed.', options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** No element of that name (or of the expected kind) in the pipeline. */
export class GstElementNotFound extends TorsionError {
  override readonly code: string = 'TORSION_ERR_GST_ELEMENT_NOT_FOUND';
  constructor(readonly elementName: string, message?: string, options?: TorsionErrorOptions) {
    super(message ?? `No element named '${elementName}' in the pipeline.`, options);
  }
}

/** Why a sink refused a client before taking its fd (the fd stayed ours; see SinkClient). */
export type SinkAddFailure = 'not-ready' | 'invalid-options' | 'refused' | 'disposed' | 'detach-failed' | 'cancelled';

/** A client could not be handed to the sink. The transport, if any, was left untouched unless detached. */
export class SinkAddError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_GST_SINK_ADD';
  constructor(readonly failure: SinkAddFailure, message: string, options?: TorsionErrorOptions) {
    super(message, options);
  }
}

/** Options given to an FdSink, a client or a source are invalid (caught before GStreamer sees them). */
export class GstOptionsError extends TorsionError {
  override readonly code: string = 'TORSION_ERR_GST_OPTIONS';
  constructor(message: string, options?: TorsionErrorOptions) {
    super(message, options);
  }
}
