/**
 * The Torsion side of the fan-out benchmark: a GLibReactor, one live raw-audio pipeline into a
 * multifdsink (`--shards N` of them behind a tee, default one per core, PITFALLS 17; hand-offs added in
 * batches, `--add-batch`), and the HTTP hand-off with
 * HMAC tokens in front of it: each viewer sends `GET /live.raw?token=…`, the bouncer checks it, the
 * response head is written and the socket's fd goes to the sink. A `callLater` heartbeat measures
 * the reactor's timer lateness; commands on stdin (control.ts) report it.
 * Run: npx tsx bench/fanout/torsion-server.ts --port 0 --secret <16+ bytes> [--kbps 64] [--bps 20]
 *      [--shards <cores>] [--add-batch 0.05 (seconds; -1: one add per hand-off)] [--send-buffer <bytes>]
 */
import { availableParallelism } from 'node:os';
import {
  FdSink, GLibReactor, HmacTokenBouncer, HttpHandoffFactory, Pipeline, anchoredClock, shardedSinkLaunch,
  type HttpMount, type SinkClient,
} from '../../src/index';
import { HEARTBEAT_SECONDS, LatenessLog, numberFlag, parseFlags, sourceLaunch } from './common';
import { announceReady, listenControl } from './control';

const flags = parseFlags(process.argv.slice(2));
const secret = flags.get('secret') ?? 'fanout-benchmark-secret';
// One multifdsink writer thread per core by default (docs/benchmarks.md, PITFALLS 17).
const shards = numberFlag(flags, 'shards', availableParallelism());
// Seconds to collect hand-offs before adding them in one burst (FdSinkOptions.addBatchSeconds, as
// HttpStreamer's ADD_BATCH_SECONDS); < 0: one add per hand-off as it comes.
const addBatch = numberFlag(flags, 'add-batch', 0.05);
// SO_SNDBUF of each viewer socket (SinkPolicy.sendBuffer, as HttpStreamer sets from lagBytes); 0: the kernel's.
const sendBuffer = numberFlag(flags, 'send-buffer', 0);
const spec = { kbps: numberFlag(flags, 'kbps', 64), buffersPerSecond: numberFlag(flags, 'bps', 20) };

const reactor = new GLibReactor();
const sinkLaunch = shards > 1 ? shardedSinkLaunch('out', shards) : 'multifdsink name=out sync=false';
const pipeline = Pipeline.launch(`${sourceLaunch(spec)} ! ${sinkLaunch}`, { reactor });
// Raw audio has no keyframes: start at the latest buffer; drop a viewer 1 MiB behind or silent 20 s.
const sink = FdSink.attach(pipeline, 'out', {
  syncMethod: 'latest',
  limits: { format: 'bytes', hardMax: 1 << 20, recoverPolicy: 'none' },
  clientTimeout: 20,
  ...(addBatch >= 0 ? { addBatchSeconds: addBatch } : {}),
  ...(sendBuffer > 0 ? { sendBuffer } : {}),
});
const clients = new Set<SinkClient>();
const ended: Record<string, number> = {};

const mount: HttpMount = {
  contentType: 'audio/x-raw',
  whenReady: () => null,
  refusal: () => null,
  handOff: (transport) => {
    const client = sink.addClient(transport);
    clients.add(client);
    client.done.addCallback((result) => {
      clients.delete(client);
      ended[result.reason] = (ended[result.reason] ?? 0) + 1;
      return result;
    });
  },
};

const lateness = new LatenessLog();
function beat(): void {
  const due = reactor.seconds() + HEARTBEAT_SECONDS;
  reactor.callLater(HEARTBEAT_SECONDS, () => {
    lateness.add((reactor.seconds() - due) * 1000);
    beat();
  });
}

const done = reactor.run();
await pipeline.setState('playing');
const factory = new HttpHandoffFactory({
  mount: (path) => (path === '/live.raw' ? mount : undefined),
  bouncer: new HmacTokenBouncer({ secret, clock: anchoredClock(reactor, Date.now() / 1000) }),
  time: reactor,
  headTimeout: 30,
});
const port = await reactor.listenTCP(numberFlag(flags, 'port', 0), factory, { interface: '127.0.0.1', backlog: 4096 });
beat();
listenControl(() => {
  const stats = sink.stats();
  return { lateness: lateness.summary(), viewers: clients.size, handles: stats.handles, bytesServed: stats.bytesServed.toString(), ended };
}, () => lateness.reset(), () => reactor.stop());
const host = port.getHost();
announceReady(host.type === 'TCP' ? host.port : 0);
reactor.addSystemEventTrigger('before', 'shutdown', () => pipeline.dispose());
await done;
process.exit(0);
