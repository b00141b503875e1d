/**
 * The streamer of the feed-chain example: an `Eater` connects to the producer (TCP or
 * `FEED_SOCKET`), authenticates with the shared `FEED_SECRET` and reconnects whenever the producer
 * goes away; the raw video it eats is encoded to WebM (VP8) and served over HTTP at `/live.webm` to
 * viewers holding an HMAC token signed with `TORSION_SECRET`, through the HTTP hand-off to
 * multifdsink (as examples/stream-server does). The encoder keeps running across the producer's
 * restarts: the eater drops the replayed stream header, swallows EOS and continues the timestamps.
 * Run by main.ts, or alone: `FEED_SECRET=… TORSION_SECRET=… npx tsx examples/feed-chain/streamer.ts`.
 */
import {
  Eater, FdSink, GLibReactor, HmacTokenBouncer, HttpHandoffFactory, Pipeline, anchoredClock, eaterSourceLaunch, getLogger,
  mintToken, type Deferred, type Transport,
} from 'torsion';

const feedSecret = process.env['FEED_SECRET'] ?? '';
const tokenSecret = process.env['TORSION_SECRET'] ?? '';
if (feedSecret.length < 16 || tokenSecret.length < 16) {
  process.stderr.write('streamer: set FEED_SECRET and TORSION_SECRET (at least 16 bytes each)\n');
  process.exit(2);
}
const socketPath = process.env['FEED_SOCKET'];
const feedHost = process.env['FEED_HOST'] ?? '127.0.0.1';
const feedPort = Number(process.env['FEED_PORT'] ?? 8601);
const httpHost = process.env['HOST'] ?? '127.0.0.1';
const httpPort = Number(process.env['PORT'] ?? 8802);
const log = getLogger();

const reactor = new GLibReactor();
const wallClock = anchoredClock(reactor, Date.now() / 1000);
const pipeline = Pipeline.launch(`${eaterSourceLaunch('feed')} ! queue ! videoconvert `
  + '! vp8enc deadline=1 cpu-used=8 keyframe-max-dist=15 target-bitrate=400000 ! webmmux streamable=true ! multifdsink name=webm',
{ reactor });
const sink = FdSink.attach(pipeline, 'webm', {
  syncMethod: 'latest-keyframe',
  limits: { format: 'bytes', softMax: 2_000_000, hardMax: 8_000_000, recoverPolicy: 'keyframe' },
  clientTimeout: 20,
});
let viewers = 0;
let playing: Deferred<unknown> | null = null;

const factory = new HttpHandoffFactory({
  mount: (path) => (path !== '/live.webm' ? undefined : {
    contentType: 'video/webm',
    whenReady: () => playing,
    refusal: () => (viewers >= 100 ? 'too many viewers' : null),
    handOff: (transport: Transport) => {
      viewers += 1;
      sink.addClient(transport).done.addCallback((result) => {
        viewers -= 1;
        log.info('viewer left', { reason: result.reason, seconds: Math.round(result.seconds) });
        return result;
      });
    },
  }),
  bouncer: new HmacTokenBouncer({ secret: tokenSecret, clock: wallClock }),
  time: reactor,
});

reactor.addSystemEventTrigger('before', 'shutdown', () => pipeline.dispose());
reactor.callWhenRunning(async () => {
  try {
    const eater = await Eater.attach(pipeline, 'feed', { identity: 'streamer', secret: feedSecret, time: reactor, maxDelay: 5 });
    eater.events$.subscribe((e) => {
      if (e.type === 'authenticated') log.info('eating the feed', { connection: e.connection });
      else if (e.type === 'lost') log.warn('feed lost, reconnecting', { error: e.error.message });
      else if (e.type === 'refused') log.error('the producer refused us', { error: e.error.message, willRetry: e.willRetry });
    });
    // fdsrc is not live: PLAYING is reached once the first data has arrived from the producer.
    playing = pipeline.setState('playing').addCallback((state) => { playing = null; log.info('streaming'); return state; });
    playing.addErrback((failure) => { log.error('pipeline failed', { error: failure.value }); reactor.stop(); return null; });
    if (socketPath !== undefined) eater.connectUNIX(reactor, socketPath);
    else eater.connectTCP(reactor, feedHost, feedPort);
    const port = await reactor.listenTCP(httpPort, factory, { interface: httpHost });
    const bound = port.getHost();
    const token = mintToken(tokenSecret, '/live.webm', Math.floor(wallClock.seconds()) + 24 * 3600);
    process.stdout.write(`streamer (pid ${process.pid}) serving http://${httpHost}:${bound.type === 'TCP' ? bound.port : httpPort}`
      + `/live.webm?token=${token}\n`);
  } catch (error) {
    log.error('streamer failed to start', { error });
    reactor.stop();
  }
});
await reactor.run().asPromise();
