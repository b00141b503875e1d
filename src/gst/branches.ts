/**
 * `pruneUnlinkedBranches`: a decoder (`decodebin`) exposes one pad per stream its input carries,
 * and gst-launch links each to the first branch that accepts it. A branch left unlinked (the audio
 * side, for a stream with video only) would keep the pipeline from prerolling and from ever
 * posting EOS. When the decoder says it has no more pads (`no-more-pads`, emitted on its streaming
 * thread: the handler only posts to a later loop turn, PITFALLS 5 and 6), every branch whose first
 * element's sink pad is still unlinked is removed, and the Deferred fires with the kinds linked.
 * decodebin3 would tell the streams in a bus message instead, but in GStreamer 1.22 it stops with
 * `not-linked` when fed in push mode (fdsrc), so it is not used.
 * Tests: test/cli/ingest-producers.test.ts.
 */
import { Deferred } from '../defer/deferred';
import { GstDisposedError } from './errors';
import { internalsOf } from './internals';
import type { StopParticipant } from './participant';
import type { Pipeline } from './pipeline';
import { connectSignal } from './signals';

/**
 * Waits for `decoder`'s `no-more-pads`, then removes the branches (element names, first element
 * fed by the decoder) that no pad linked. Fires with the keys of the linked branches, in order;
 * fails with {@link GstDisposedError} if the pipeline is disposed first.
 */
export function pruneUnlinkedBranches(pipeline: Pipeline, decoder: string, branches: Readonly<Record<string, readonly string[]>>): Deferred<string[]> {
  const internals = internalsOf(pipeline);
  const { host } = internals;
  const result = new Deferred<string[]>();
  let release: (() => void) | null = host.hold(); // a signal from a streaming thread needs the loop alive
  let disconnect: (() => void) | null = null;
  const finish = (): void => {
    disconnect?.();
    disconnect = null;
    release?.();
    release = null;
    internals.removeParticipant(participant);
  };
  const participant: StopParticipant = {
    beforeStop: () => {
      finish();
      if (!result.called) result.errback(new GstDisposedError('The pipeline stopped before its decoder exposed every stream.'));
    },
    afterStop: () => undefined,
  };
  internals.addParticipant(participant);
  disconnect = connectSignal(internals.getElement(decoder), 'no-more-pads', host.guard('no-more-pads', () => {
    host.post('prune unlinked branches', () => {
      finish();
      if (result.called || internals.isDisposing()) return;
      const linked: string[] = [];
      for (const [kind, names] of Object.entries(branches)) {
        const first = names[0];
        if (first === undefined) continue;
        if (internals.getElement(first).getStaticPad('sink')?.isLinked() === true) linked.push(kind);
        else pipeline.remove(...names);
      }
      result.callback(linked);
    });
  }));
  return result;
}
