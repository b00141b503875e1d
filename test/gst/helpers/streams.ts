/**
 * Live test streams (small and cheap: 2 shared cores) ending in a sink fragment, and fake
 * transports for addClient.
 */
import type { Socket } from 'node:net';
import { Deferred } from '../../../src/defer/deferred';
import { stealSocketFd } from '../../../src/gst/fd-util';
import type { Detachable, DetachedFd } from '../../../src/gst/fd-sink';

/** Live VP8/WebM at 10 fps with a keyframe every 5 frames, into `sink` (a launch fragment). */
export function webm(sink = 'multifdsink name=sink sync=false'): string {
  return 'videotestsrc is-live=true pattern=ball ! video/x-raw,width=96,height=64,framerate=10/1 ! '
    + 'vp8enc deadline=1 keyframe-max-dist=5 cpu-used=8 ! webmmux streamable=true ! ' + sink;
}

/** Live Theora + Vorbis in Ogg, into `sink`. */
export function ogg(sink = 'multifdsink name=sink sync=false'): string {
  return 'oggmux name=mux max-delay=200000000 max-page-delay=200000000 ! ' + sink + ' '
    + 'videotestsrc is-live=true ! video/x-raw,width=96,height=64,framerate=10/1 ! theoraenc keyframe-freq=5 ! queue ! mux. '
    + 'audiotestsrc is-live=true ! audio/x-raw,rate=16000,channels=1 ! audioconvert ! vorbisenc ! queue ! mux.';
}

/** A transport whose detach() hands over the socket's fd (dup + destroy), like a reactor transport. */
export function detachable(sock: Socket): Detachable & { detached: boolean } {
  const t = {
    detached: false,
    detach(): Deferred<DetachedFd> {
      t.detached = true;
      return Deferred.fromPromise(Promise.resolve().then(() => ({ fd: stealSocketFd(sock), leftover: new Uint8Array(0) })));
    },
  };
  return t;
}

/** A transport whose detach() is resolved or failed by the test. */
export function manualDetachable(): Detachable & { pending: Deferred<DetachedFd>; detached: boolean } {
  const t = {
    detached: false,
    pending: new Deferred<DetachedFd>(),
    detach(): Deferred<DetachedFd> { t.detached = true; return t.pending; },
  };
  return t;
}
