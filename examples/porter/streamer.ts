/**
 * One streamer process behind the example porter (forked by main.ts, never run by hand): a live
 * VP8 test pattern in WebM on its media path, handed to multifdsink after the HTTP hand-off, and a
 * one-line identity page on its other paths. Connections arrive from the porter over the IPC
 * channel (`PorterClient`), with the bytes the porter already read replayed first.
 * Arguments: <name> <videotestsrc pattern> <media path> [other paths…]
 */
import {
  FdSink, GLibReactor, HttpHandoffFactory, Pipeline, PorterClient, getLogger, type Deferred, type HttpMount,
} from 'torsion';

const [name = 'streamer', pattern = 'ball', mediaPath = '/live.webm', ...otherPaths] = process.argv.slice(2);
const log = getLogger();
const reactor = new GLibReactor();

const pipeline = Pipeline.launch([
  `videotestsrc is-live=true pattern=${pattern} ! video/x-raw,width=320,height=240,framerate=15/1`,
  '! videoconvert',
  '! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=15 target-bitrate=300000 ! webmmux streamable=true',
  '! multifdsink name=sink',
].join(' '), { reactor });
const sink = FdSink.attach(pipeline, 'sink', { syncMethod: 'latest-keyframe', clientTimeout: 20 });
let playing: Deferred<unknown> | null = pipeline.setState('playing');

const mount: HttpMount = {
  contentType: 'video/webm',
  whenReady: () => playing,
  refusal: () => null,
  handOff: (transport, request) => {
    sink.addClient(transport);
    log.info('viewer added', { streamer: name, path: request.head.path, peer: request.peer });
  },
};

const factory = new HttpHandoffFactory({
  mount: (path) => (path === mediaPath ? mount : undefined),
  bouncer: null,
  time: reactor,
  other: (head) => (otherPaths.some((p) => head.path === p || (p.endsWith('/') && head.path.startsWith(p)))
    ? { status: 200, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: `streamer ${name}, pid ${process.pid}, path ${head.path}\n` }
    : null),
});

const client = new PorterClient({ reactor, factory, paths: [mediaPath, ...otherPaths] });
reactor.addSystemEventTrigger('before', 'shutdown', () => {
  client.stop();
  return pipeline.dispose();
});
playing.addCallbacks((state) => {
  playing = null;
  client.start(); // tell the porter we are up only once the stream is
  log.info('streamer ready', { streamer: name, pid: process.pid, paths: [mediaPath, ...otherPaths] });
  return state;
}, (failure) => {
  log.error('pipeline failed to start', { streamer: name, error: failure.value });
  reactor.stop();
  return null;
});
void reactor.run().then(() => process.exit(0));
