/**
 * Branches after a decoder (`decodebin`): it exposes one pad per stream its input carries, and
 * gst-launch links each to the first branch that accepts it. A branch left unlinked (the audio
 * side, for a stream with video only) keeps the pipeline from prerolling and from ever posting
 * EOS. When the decoder says it has no more pads (`no-more-pads`, emitted on its streaming
 * thread: the handler only posts to a later loop turn, PITFALLS 5 and 6):
 * - `linkedBranches` fires with the kinds whose first element got a pad;
 * - `pruneUnlinkedBranches` also removes every branch no pad linked (`Pipeline.remove`).
 * decodebin3 would tell the streams in a bus message instead, but in GStreamer 1.22 it stops with
 * `not-linked` when fed in push mode (fdsrc), so it is not used.
 * Tests: test/gst/branches.test.ts, test/cli/ingest-producers.test.ts.
 */
import { Deferred } from '../defer/deferred';
import { GstDisposedError } from './errors';
import { internalsOf } from './internals';
import type { StopParticipant } from './participant';
import type { Pipeline } from './pipeline';
import { connectSignal } from './signals';

/**
 * Waits for `decoder`'s `no-more-pads`, then fires with the keys of `heads` (kind → the name of
 * the first element of that kind's branch) whose element's sink pad is linked, in order, after
 * `then(linked)` ran on the same turn; fails with {@link GstDisposedError} if the pipeline is
 * disposed first.
 */
export function linkedBranches(pipeline: Pipeline, decoder: string, heads: Readonly<Record<string, string>>,
  then: (linked: string[]) => void = () => undefined): Deferred<string[]> {
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
    host.post('check decoder branches', () => {
      finish();
      if (result.called || internals.isDisposing()) return;
      const linked = Object.entries(heads)
        .filter(([, head]) => internals.getElement(head).getStaticPad('sink')?.isLinked() === true)
        .map(([kind]) => kind);
      then(linked);
      result.callback(linked);
    });
  }));
  return result;
}

/**
 * {@link linkedBranches}, and the branches (element names, the first one fed by the decoder) that
 * no pad linked are removed before the Deferred fires with the kinds linked.
 */
export function pruneUnlinkedBranches(pipeline: Pipeline, decoder: string, branches: Readonly<Record<string, readonly string[]>>): Deferred<string[]> {
  const heads = Object.fromEntries(Object.entries(branches).filter(([, names]) => names.length > 0).map(([kind, names]) => [kind, names[0] as string]));
  return linkedBranches(pipeline, decoder, heads, (linked) => {
    for (const [kind, names] of Object.entries(branches)) if (names.length > 0 && !linked.includes(kind)) pipeline.remove(...names);
  });
}
