/**
 * Bus messages as plain objects: `toBusMessage()` turns a GstMessage into a {@link BusMessage}
 * (no Gst type escapes), and `gstErrorOf()` turns a GError into a {@link GstError}. Pipeline feeds
 * these to its `messages$` Observable. Tests: test/gst/pipeline.test.ts.
 */
import { GstError } from './errors';
import type { GstCore, GstMessage } from './gst';
import { STATE_NAMES, type BusMessage, type ReportedState } from './types';

export type { BusMessage, PipelineState, ReportedState } from './types';

/** A GError as node-gtk hands it over (the fields of GLib.Error). */
interface GErrorLike {
  readonly domain: number;
  readonly code: number;
  readonly message: string | null;
}

/** GStreamer's state name for a GstState number. */
export function stateName(state: number): ReportedState {
  return STATE_NAMES[state] ?? 'void-pending';
}

/** Turn a GError (plus debug string and source path) into a {@link GstError}. */
export function gstErrorOf(core: GstCore, gerror: GErrorLike, debug: string | null, elementPath: string | null): GstError {
  let domain = String(gerror.domain);
  try {
    domain = core.GLib.quarkToString(gerror.domain);
  } catch {
    // keep the number
  }
  return new GstError({ domain, gstCode: gerror.code, message: gerror.message ?? 'GStreamer error', debug, elementPath });
}

/** Convert a GstMessage into a plain {@link BusMessage}. */
export function toBusMessage(core: GstCore, msg: GstMessage): BusMessage {
  const { Gst } = core;
  const type = Gst.messageTypeGetName(msg.type);
  const src = msg.src as { getPathString?: () => string | null; getName?: () => string | null } | null;
  const source = src?.getPathString?.() ?? null;
  const sourceName = src?.getName?.() ?? null;
  switch (msg.type) {
    case Gst.MessageType.ERROR:
    case Gst.MessageType.WARNING:
    case Gst.MessageType.INFO: {
      const [gerror, debug] = msg.type === Gst.MessageType.ERROR ? msg.parseError()
        : msg.type === Gst.MessageType.WARNING ? msg.parseWarning() : msg.parseInfo();
      return { type, source, sourceName, error: gstErrorOf(core, gerror, debug, source) };
    }
    case Gst.MessageType.STATE_CHANGED: {
      const [old, current, pending] = msg.parseStateChanged();
      return { type, source, sourceName, state: { old: stateName(old), current: stateName(current), pending: stateName(pending) } };
    }
    case Gst.MessageType.ELEMENT:
    case Gst.MessageType.APPLICATION: {
      const structure = msg.getStructure()?.toString() ?? '';
      return { type, source, sourceName, structure };
    }
    default:
      return { type, source, sourceName };
  }
}
