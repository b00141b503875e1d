/**
 * Native memory per connection under each reactor (run: `node --expose-gc --import tsx
 * bench/reactor/churn-memory.ts [glib|node] [connections per round]`). A TCP server on the reactor
 * answers each request and closes; 8 Node clients connect, send a line and wait for the close, one
 * after another. After a warm-up round and after each of four rounds the process is GC'd and its
 * RSS sampled; the JSON line gives the RSS after each round and the growth per connection over the
 * last three rounds. This is how the node-gtk handle leak was found: the GLib loop's `prepare`
 * calls into JS without a V8 HandleScope, so handles pile up in the scope of `loop.run()` for as
 * long as it runs. Before GLibReactor's driver returned from `loop.run()` every second, the GLib
 * rounds grew about 30 bytes per connection (135.5 → 138.3 → 140.2 → 144 MiB at 100,000 per round)
 * while the Node rounds stayed flat; since, both stay flat (135.6 → 135.7 → 133.4 → 131 MiB).
 */
import { connect } from 'node:net';
import { Factory, Protocol } from '../../src/protocols/index';
import { GLibReactor, NodeReactor } from '../../src/reactor/index';

const which = process.argv[2] === 'node' ? 'node' : 'glib';
const N = Number(process.argv[3] ?? 100_000);
const CLIENTS = 8;
const reactor = which === 'glib' ? new GLibReactor() : new NodeReactor();
const gc = (globalThis as { gc?: () => void }).gc;

class Refuse extends Protocol {
  override dataReceived(): void {
    this.transport?.write('HTTP/1.0 401 Unauthorized\r\n\r\n');
    this.transport?.loseConnection();
  }
}

const rssMiB = (): number => {
  gc?.();
  return Math.round((process.memoryUsage().rss / 1_048_576) * 10) / 10;
};

reactor.callWhenRunning(async () => {
  if (gc === undefined) console.error('run with --expose-gc for stable figures');
  const port = await reactor.listenTCP(0, Factory.forProtocol(() => new Refuse()), { interface: '127.0.0.1' }).asPromise();
  const portNumber = (port.getHost() as { port: number }).port;
  const one = (): Promise<void> => new Promise((resolve) => {
    const s = connect(portNumber, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\n\r\n'));
    s.on('data', () => undefined);
    s.on('close', () => resolve());
    s.on('error', () => resolve());
  });
  const round = async (n: number): Promise<void> => {
    let i = 0;
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (i++ < n) await one();
    }));
  };
  await round(20_000);
  const rss = [rssMiB()];
  for (let r = 0; r < 4; r++) {
    await round(N);
    rss.push(rssMiB());
  }
  const growth = ((rss[4] as number) - (rss[1] as number)) * 1_048_576 / (3 * N);
  console.log(JSON.stringify({ reactor: which, connectionsPerRound: N, rssMiB: rss, bytesPerConnection: Math.round(growth) }));
  await port.stopListening().asPromise();
  reactor.stop();
});
reactor.run();
