/**
 * The producer of the feed-chain example: a live test source (raw video) behind `gdppay !
 * multifdsink`, fed to authenticated eaters by a `Feeder` (challenge–response with the shared
 * `FEED_SECRET`, then the socket's fd goes to multifdsink: no GDP byte passes through JavaScript).
 * Listens on `FEED_SOCKET` (a unix socket path) when set, else on TCP `FEED_HOST`:`FEED_PORT`
 * (127.0.0.1:8601). Run by main.ts, or alone: `FEED_SECRET=… npx tsx examples/feed-chain/producer.ts`.
 */
import { rmSync } from 'node:fs';
import { Feeder, GLibReactor, Pipeline, feederSinkLaunch, getLogger, type Deferred, type ListeningPort } from 'torsion';

const secret = process.env['FEED_SECRET'] ?? '';
if (secret.length < 16) {
  process.stderr.write('producer: set FEED_SECRET (at least 16 bytes), the secret shared with the streamer\n');
  process.exit(2);
}
const socketPath = process.env['FEED_SOCKET'];
const host = process.env['FEED_HOST'] ?? '127.0.0.1';
const port = Number(process.env['FEED_PORT'] ?? 8601);
const log = getLogger();

const reactor = new GLibReactor();
const pipeline = Pipeline.launch(
  'videotestsrc is-live=true pattern=ball motion=sweep background-color=0xff203040 '
  + '! video/x-raw,width=320,height=240,framerate=15/1 ! ' + feederSinkLaunch('feed'),
  { reactor });
const feeder = Feeder.attach(pipeline, 'feed', { secret, time: reactor, deadline: 10 });
feeder.events$.subscribe((e) => {
  if (e.type === 'accepted') log.info('eater accepted', { identity: e.identity, peer: e.peer });
  else if (e.type === 'left') log.info('eater left', { identity: e.identity, reason: e.result.reason });
  else log.warn('eater refused', { peer: e.peer, error: e.error.message });
});

reactor.addSystemEventTrigger('before', 'shutdown', () => feeder.close().addBoth(() => pipeline.dispose()));
reactor.callWhenRunning(() => {
  // A producer that was killed leaves its socket file behind: remove it (one producer per path).
  if (socketPath !== undefined) rmSync(socketPath, { force: true });
  pipeline.setState('playing').addCallback((): Deferred<ListeningPort> => (socketPath !== undefined
    ? feeder.listenUNIX(reactor, socketPath)
    : feeder.listenTCP(reactor, port, { interface: host })))
    .addCallback((listening) => {
      const where = socketPath ?? `${host}:${(listening.getHost() as { port?: number }).port ?? port}`;
      process.stdout.write(`producer (pid ${process.pid}) feeding on ${where}\n`);
    })
    .addErrback((failure) => {
      log.error('producer failed to start', { error: failure.value });
      reactor.stop();
    });
});
await reactor.run().asPromise();
