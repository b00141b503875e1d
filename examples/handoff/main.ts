/**
 * The whole idea in one file (docs/guide.md walks through it): a line protocol authenticates a
 * client, then the socket's fd goes to multifdsink and JavaScript never sees a media byte again.
 * Run: `npx tsx examples/handoff/main.ts` — it serves one client of its own and stops.
 */
import net from 'node:net';
import { FdSink, Factory, GLibReactor, LineReceiver, Pipeline } from 'torsion';

const reactor = new GLibReactor();
const pipeline = Pipeline.launch('audiotestsrc is-live=true ! audio/x-raw,rate=8000,channels=1 ! multifdsink name=out', { reactor });
const sink = FdSink.attach(pipeline, 'out');

class Gate extends LineReceiver {
  override lineReceived(line: Buffer): void {
    if (line.toString() !== 'let me in') { this.sendLine('denied'); this.transport?.loseConnection(); return; }
    this.sendLine('ok');                                  // flushed before the fd changes hands
    const client = sink.addClient(this.transport!);       // detach(): Node forgets the socket
    client.done.addCallback((r) => { console.log(`viewer left: ${r.reason}`); reactor.stop(); return r; });
  }
}

const done = reactor.run();                              // the GLib loop, with Node inside it
await pipeline.setState('playing');
const port = await reactor.listenTCP(0, Factory.forProtocol(Gate), { interface: '127.0.0.1' });

// A client of our own: authenticate, count streamed bytes, leave.
const address = port.getHost();
const socket = net.connect(address.type === 'TCP' ? address.port : 0, '127.0.0.1', () => socket.write('let me in\r\n'));
let received = 0;
socket.on('data', (chunk) => {
  received += chunk.length;
  if (received > 16_000) { console.log('client received more than 16000 bytes'); socket.destroy(); }
});
reactor.addSystemEventTrigger('before', 'shutdown', () => pipeline.dispose());
await done;
console.log('stopped');
