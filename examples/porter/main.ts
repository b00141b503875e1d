/**
 * The example porter: one public port (PORT, default 8800) in front of three streamer processes it
 * forks (streamer.ts), each serving its own live WebM test pattern. The porter reads only each
 * request line and passes the socket — with the bytes it read — to the streamer that owns the path
 * (Node IPC, SCM_RIGHTS). Prints the URLs; Ctrl-C or SIGTERM stops the streamers, then the porter.
 * Settings: PORT (8800; 0 picks a free port), HOST (127.0.0.1). Test: test/protocols/porter/example.test.ts.
 */
import { fileURLToPath } from 'node:url';
import { NodeReactor, Porter, getLogger, type StreamerSpec } from 'torsion';

const port = Number(process.env['PORT'] ?? 8800);
const host = process.env['HOST'] ?? '127.0.0.1';
const streamerModule = fileURLToPath(new URL('./streamer.ts', import.meta.url));
const execArgv = ['--import', 'tsx'];

const streamer = (name: string, pattern: string, paths: string[]): StreamerSpec => ({
  name, paths, modulePath: streamerModule, args: [name, pattern, ...paths], execArgv,
});
const streamers = [
  streamer('ball', 'ball', ['/ball.webm', '/ball']),
  streamer('smpte', 'smpte', ['/smpte.webm', '/smpte']),
  streamer('snow', 'snow', ['/snow/live.webm', '/snow/']),
];

const reactor = new NodeReactor();
const porter = new Porter({ time: reactor, streamers });
reactor.addSystemEventTrigger('before', 'shutdown', () => porter.stop());
const stopped = reactor.run();

reactor.callWhenRunning(() => {
  porter.start().addCallbacks(() => reactor.listenTCP(port, porter.factory, { interface: host }).addCallback((listening) => {
    const bound = listening.getHost();
    const base = `http://${host}:${bound.type === 'TCP' ? bound.port : port}`;
    process.stdout.write([
      `Torsion porter (pid ${process.pid}) listening on ${base}`,
      ...streamers.map((s) => `  ${s.name.padEnd(6)} pid ${String(porter.streamer(s.name)?.pid).padEnd(8)} ${s.paths.map((p) => `${base}${p}`).join('  ')}`),
      `  try: curl -s ${base}/smpte   ·   gst-launch-1.0 souphttpsrc location=${base}/ball.webm ! matroskademux ! vp8dec ! autovideosink`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'));
    return listening;
  }), (failure) => {
    getLogger().error('a streamer did not start', { error: failure.value });
    reactor.stop();
    return null;
  }).addErrback((failure) => {
    getLogger().error('could not listen', { error: failure.value });
    reactor.stop();
    return null;
  });
});

await stopped;
process.stdout.write('stopped\n');
