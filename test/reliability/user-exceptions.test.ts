/**
 * Exceptions thrown in user code inside a callback (issue 9), at the level a library user hits, on
 * both real reactors: a `Protocol` on a real TCP server whose `connectionMade`, `dataReceived` or
 * `connectionLost` throws — the exception is logged, only that connection is dropped (by the
 * server), and a connection opened before keeps being served, as does one opened after (an `async`
 * dataReceived whose Promise rejects is treated like a throw); a Deferred
 * callback that throws inside a reactor callback (the failure moves down the chain, the caller is
 * not unwound, an unhandled one is logged when collected); RxJS subscribers that throw in a
 * component's `mood$` and in a pipeline's `messages$` (GStreamer bus messages) — RxJS reports those
 * on a later turn, and unrouted that report is an uncaught exception that ended the process
 * (src/reactor/rx-errors.ts routes it to the logger); a throwing `SinkClient.done` callback of an
 * FdSink leaves the sink serving. Every wait is bounded by a reactor-scheduled timeout.
 */
import { connect, type Socket } from 'node:net';
import v8 from 'node:v8';
import vm from 'node:vm';
import { config } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Component } from '../../src/components/component';
import { Deferred } from '../../src/defer/deferred';
import type { Failure } from '../../src/defer/failure';
import { ConnectionLost } from '../../src/errors';
import { FdSink } from '../../src/gst/fd-sink';
import { Pipeline } from '../../src/gst/pipeline';
import { captureLogs, type LogCapture } from '../../src/log';
import { Factory } from '../../src/protocols/factory';
import { Protocol } from '../../src/protocols/protocol';
import { GLibReactor } from '../../src/reactor/impl/glib-reactor';
import { NodeReactor } from '../../src/reactor/impl/node-reactor';
import type { Reactor } from '../../src/reactor/interfaces/reactor';
import { logUnhandledRxError } from '../../src/reactor/rx-errors';
import { countFds, describeFds, runReactor, waitUntil, warmUpGi, type FullReactorBuilder } from '../conformance/helpers';

const builders: FullReactorBuilder[] = [
  { name: 'GLibReactor', build: () => new GLibReactor() },
  { name: 'NodeReactor', build: () => new NodeReactor() },
];
const glib = builders[0] as FullReactorBuilder;

const gc = (): void => {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
};

beforeAll(async () => {
  await warmUpGi();
  const r = glib.build();
  r.callWhenRunning(() => r.stop());
  await r.run({ installSignalHandlers: false });
});

/** What a test client saw. */
interface Client {
  readonly socket: Socket;
  /** Fires with the bytes received so far once at least `n` arrived. */
  received(n: number): Deferred<string>;
  /** Fires once the server closed or reset the connection. */
  readonly closed: Deferred<'end' | 'error'>;
  text(): string;
}

function client(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const closed = new Deferred<'end' | 'error'>();
    let waiters: Array<[number, Deferred<string>]> = [];
    socket.on('data', (c: Buffer) => {
      data += c.toString();
      waiters = waiters.filter(([n, d]) => (data.length >= n ? (d.callback(data), false) : true));
    });
    socket.on('end', () => { if (!closed.called) closed.callback('end'); socket.destroy(); });
    socket.on('error', () => { if (!closed.called) closed.callback('error'); });
    socket.once('connect', () => resolve({
      socket, closed, text: () => data,
      received: (n) => {
        const d = new Deferred<string>();
        if (data.length >= n) d.callback(data); else waiters.push([n, d]);
        return d;
      },
    }));
    socket.once('error', reject);
  });
}

/** Bounds a Deferred with a reactor-scheduled timeout. */
function within<T>(reactor: Reactor, d: Deferred<T>, seconds: number, what: string): Promise<T> {
  return d.addTimeout(seconds, reactor).asPromise().catch((e: unknown) => {
    throw new Error(`${what}: ${String(e)}`);
  });
}

/**
 * The server's protocol: echoes, and throws on demand. The mode comes from the first byte the
 * factory sees for the connection order, so each connection knows its role at `connectionMade`.
 */
type Mode = 'echo' | 'throw-made' | 'throw-data' | 'throw-lost' | 'reject-data' | 'reject-made';

class Fragile extends Protocol {
  lostWith: Failure | null = null;
  constructor(readonly mode: Mode, private readonly onLost: (p: Fragile) => void) {
    super();
  }

  override connectionMade(): void {
    if (this.mode === 'throw-made') throw new Error('user boom in connectionMade');
    this.transport?.write('hi\n');
  }

  override dataReceived(data: Uint8Array): void {
    const text = Buffer.from(data).toString();
    if (this.mode === 'throw-data' && text.includes('boom')) throw new Error('user boom in dataReceived');
    if (this.mode === 'throw-lost' && text.includes('bye')) {
      this.transport?.loseConnection();
      return;
    }
    this.transport?.write(text);
  }

  override connectionLost(reason: Failure): void {
    super.connectionLost(reason);
    this.lostWith = reason;
    this.onLost(this);
    if (this.mode === 'throw-lost') throw new Error('user boom in connectionLost');
  }
}

/** A protocol with an `async` dataReceived whose Promise rejects after an await. */
class AsyncFragile extends Fragile {
  override async dataReceived(data: Uint8Array): Promise<void> {
    await Promise.resolve();
    if (Buffer.from(data).toString().includes('boom')) throw new Error('user boom in async dataReceived');
  }
}

/** A protocol with an `async` connectionMade whose Promise rejects after an await. */
class AsyncMadeFragile extends Fragile {
  override async connectionMade(): Promise<void> {
    await Promise.resolve();
    throw new Error('user boom in async connectionMade');
  }
}

function errorRecords(logs: LogCapture, fragment: string): string[] {
  return logs.records.filter((r) => r.level === 'error' && r.message.includes(fragment))
    .map((r) => String((r.fields['error'] as Error | undefined)?.message ?? ''));
}

for (const builder of builders) {
  describe(`${builder.name}: exceptions in user callbacks`, () => {
    it('a Protocol throwing in connectionMade, dataReceived or connectionLost drops only its own connection', async () => {
      const fdsBefore = countFds();
      const before = describeFds();
      const logs = captureLogs();
      try {
        await runReactor(builder, builder.build(), async (reactor) => {
          const modes: Mode[] = [];
          const lost: Fragile[] = [];
          const factory = Factory.forProtocol(() => {
            const mode = modes.shift() ?? 'echo';
            if (mode === 'reject-made') return new AsyncMadeFragile(mode, (p) => lost.push(p));
            return mode === 'reject-data' ? new AsyncFragile(mode, (p) => lost.push(p)) : new Fragile(mode, (p) => lost.push(p));
          });
          const port = await reactor.listenTCP(0, factory, { interface: '127.0.0.1' });
          const portNumber = (port.getHost() as { port: number }).port;
          const open = (reactor as unknown as { openCount: number }).openCount;

          // A healthy viewer, connected first and kept open throughout.
          modes.push('echo');
          const steady = await client(portNumber);
          await within(reactor, steady.received(3), 5, 'greeting');
          const echo = async (word: string): Promise<void> => {
            const n = steady.text().length + word.length;
            steady.socket.write(word);
            expect((await within(reactor, steady.received(n), 5, `echo of ${word}`)).endsWith(word)).toBe(true);
          };

          // connectionMade throws: the server drops the connection before any greeting.
          modes.push('throw-made');
          const made = await client(portNumber);
          await within(reactor, made.closed, 5, 'close after connectionMade threw');
          expect(made.text()).toBe('');
          await echo('one');

          // dataReceived throws: greeted, then dropped on the bad input.
          modes.push('throw-data');
          const data = await client(portNumber);
          await within(reactor, data.received(3), 5, 'greeting');
          data.socket.write('boom');
          await within(reactor, data.closed, 5, 'close after dataReceived threw');
          await echo('two');

          // connectionLost throws (after a clean close the server starts): logged, nothing else.
          modes.push('throw-lost');
          const bye = await client(portNumber);
          await within(reactor, bye.received(3), 5, 'greeting');
          bye.socket.write('bye');
          await within(reactor, bye.closed, 5, 'server close');
          await within(reactor, waitUntil(reactor, () => lost.length === 3, 5, 'three connectionLost calls'), 6, 'lost');
          await echo('three');

          // An async dataReceived whose Promise rejects: the same as a throw (unobserved, Node would exit).
          modes.push('reject-data');
          const rejecting = await client(portNumber);
          await within(reactor, rejecting.received(3), 5, 'greeting');
          rejecting.socket.write('boom');
          await within(reactor, rejecting.closed, 5, 'close after the rejection');
          await echo('four');

          // An async connectionMade whose Promise rejects: dropped too.
          modes.push('reject-made');
          const rejectingMade = await client(portNumber);
          await within(reactor, rejectingMade.closed, 5, 'close after connectionMade rejected');
          await echo('five');

          // A connection opened after all that is served as usual.
          const after = await client(portNumber);
          expect(await within(reactor, after.received(3), 5, 'greeting after')).toBe('hi\n');

          // Each broken connection ended with the right reason; the registry holds only the live ones.
          const byMode = new Map(lost.map((p) => [p.mode, p.lostWith?.value]));
          expect(byMode.get('throw-made')).toBeInstanceOf(ConnectionLost);
          expect((byMode.get('throw-made') as ConnectionLost).cause).toMatchObject({ message: 'user boom in connectionMade' });
          expect(byMode.get('throw-data')).toBeInstanceOf(ConnectionLost);
          expect((byMode.get('throw-data') as ConnectionLost).cause).toMatchObject({ message: 'user boom in dataReceived' });
          expect(byMode.get('throw-lost')?.name).toBe('ConnectionDone');
          expect((byMode.get('reject-data') as ConnectionLost).cause).toMatchObject({ message: 'user boom in async dataReceived' });
          expect((byMode.get('reject-made') as ConnectionLost).cause).toMatchObject({ message: 'user boom in async connectionMade' });
          expect((reactor as unknown as { openCount: number }).openCount).toBe(open + 2);

          for (const c of [steady, after]) c.socket.destroy();
          await within(reactor, waitUntil(reactor, () => lost.length === 7, 5, 'all closed'), 6, 'closed');
          await port.stopListening();
        }, 30);
      } finally {
        logs.restore();
      }
      expect(errorRecords(logs, 'Protocol makeConnection threw')).toEqual(['user boom in connectionMade', 'user boom in async connectionMade']);
      expect(errorRecords(logs, 'Protocol dataReceived threw')).toEqual(['user boom in dataReceived', 'user boom in async dataReceived']);
      expect(errorRecords(logs, 'Protocol connectionLost threw')).toEqual(['user boom in connectionLost']);
      expect(countFds(), `fds: before ${before}; after ${describeFds()}`).toBe(fdsBefore);
    }, 40_000);

    it('a Deferred callback that throws inside a reactor callback fails down the chain; unhandled, it is logged', async () => {
      const logs = captureLogs();
      try {
        await runReactor(builder, builder.build(), async (reactor) => {
          const handled = new Deferred<unknown>();
          let after = false;
          reactor.callLater(0, () => {
            const d = new Deferred<number>();
            d.addCallback(() => {
              throw new Error('user boom in a Deferred callback');
            }).addErrback((f: Failure) => {
              handled.callback(f.value);
              return null;
            });
            d.callback(1); // runs the chain now (rule 5) and does not throw
            after = true;
          });
          const seen = await within(reactor, handled, 5, 'errback');
          expect(seen).toMatchObject({ message: 'user boom in a Deferred callback' });
          expect(after).toBe(true);

          // Nobody handles this one: reported when the Deferred is collected.
          reactor.callLater(0, () => {
            const d = new Deferred<number>();
            d.addCallback(() => {
              throw new Error('user boom nobody handled');
            });
            d.callback(2);
          });
          let checks = 0;
          await within(reactor, waitUntil(reactor, () => {
            if (checks++ % 10 === 0) gc(); // every ~50 ms; the report follows a collection on a later turn
            return errorRecords(logs, 'Unhandled error in Deferred').length > 0;
          }, 20, 'unhandled report'), 22, 'unhandled report');

          // The reactor keeps serving delayed calls.
          let ticks = 0;
          const tick = (): void => { ticks += 1; if (ticks < 5) reactor.callLater(0.01, tick); };
          tick();
          await within(reactor, waitUntil(reactor, () => ticks === 5, 5, 'ticks'), 6, 'ticks');
        }, 30);
      } finally {
        logs.restore();
      }
      const reported = logs.records.filter((r) => r.message === 'Unhandled error in Deferred:');
      expect(reported.length).toBeGreaterThan(0);
      expect(JSON.stringify(reported.map((r) => String((r.fields['failure'] as Failure).value)))).toContain('user boom nobody handled');
      expect(logs.records.some((r) => String((r.fields['failure'] as Failure | undefined)?.value).includes('user boom in a Deferred callback'))).toBe(false);
    }, 40_000);

    it('a throwing mood$ subscriber is logged; other subscribers and the reactor carry on', async () => {
      const logs = captureLogs();
      try {
        await runReactor(builder, builder.build(), async (reactor) => {
          const component = new Probe('probe');
          const seen: string[] = [];
          component.mood$.subscribe(() => {
            throw new Error('user boom in a mood$ subscriber');
          });
          component.mood$.subscribe((m) => seen.push(m));
          reactor.callLater(0, () => component.setMood('happy'));
          await within(reactor, waitUntil(reactor, () => errorRecords(logs, 'RxJS subscriber').length >= 2, 5, 'rx reports'), 6, 'reports');
          component.setMood('sad', 'later');
          expect(seen).toEqual(['waking', 'happy', 'sad']);
          await within(reactor, waitUntil(reactor, () => errorRecords(logs, 'RxJS subscriber').length >= 3, 5, 'third report'), 6, 'report');
        }, 20);
      } finally {
        logs.restore();
      }
      expect(errorRecords(logs, 'Unhandled error in an RxJS subscriber')).toEqual(Array(3).fill('user boom in a mood$ subscriber'));
    }, 30_000);
  });
}

class Probe extends Component {
  readonly kind = 'probe';
  readonly feeders: readonly string[] = [];
  fragment(): string {
    return 'fakesink';
  }
}

describe('GLibReactor: exceptions in subscribers of GStreamer events', () => {
  let reactor: GLibReactor;
  let stopped: Deferred<void>;
  beforeAll(async () => {
    reactor = new GLibReactor();
    const running = new Deferred<void>();
    reactor.callWhenRunning(() => running.callback(undefined));
    stopped = reactor.run({ installSignalHandlers: false });
    await running.asPromise();
  });
  afterAll(async () => {
    reactor.stop();
    await stopped.asPromise();
  });

  it('a messages$ subscriber throwing on every bus message: logged, the pipeline still reaches EOS', async () => {
    const logs = captureLogs();
    try {
      const pipeline = Pipeline.launch('fakesrc num-buffers=20 ! fakesink', { reactor });
      let messages = 0;
      const sub = pipeline.messages$.subscribe(() => {
        messages += 1;
        throw new Error('user boom in a messages$ subscriber');
      });
      await within(reactor, pipeline.setState('playing'), 10, 'playing');
      await within(reactor, pipeline.eos, 10, 'EOS');
      await within(reactor, waitUntil(reactor, () => errorRecords(logs, 'RxJS subscriber').length >= 1, 5, 'rx report'), 6, 'report');
      sub.unsubscribe();
      await within(reactor, pipeline.dispose(), 10, 'dispose');
      expect(messages).toBeGreaterThan(3);
    } finally {
      logs.restore();
    }
    const reports = errorRecords(logs, 'Unhandled error in an RxJS subscriber');
    expect(reports.length).toBeGreaterThan(0);
    expect(new Set(reports)).toEqual(new Set(['user boom in a messages$ subscriber']));
  }, 30_000);

  it('a throwing SinkClient.done callback: the FdSink keeps serving the next viewer', async () => {
    const pipeline = Pipeline.launch('videotestsrc is-live=true ! video/x-raw,width=64,height=48,framerate=10/1 ! '
      + 'jpegenc ! multipartmux ! multifdsink name=sink sync=false', { reactor });
    const sink = FdSink.attach(pipeline, 'sink');
    const fds = countFds();
    const listener = await listenForFds();
    try {
      await within(reactor, pipeline.setState('playing'), 10, 'playing');
      const first = await listener.accept();
      const a = sink.addClient(first.fd);
      const chain = new Deferred<unknown>();
      a.done.addCallback(() => {
        throw new Error('user boom in done');
      }).addErrback((f: Failure) => { chain.callback(f.value); return null; });
      await within(reactor, first.viewer.received(1000), 10, 'first viewer data');
      a.remove();
      expect(await within(reactor, chain, 10, 'done chain')).toMatchObject({ message: 'user boom in done' });
      const second = await listener.accept();
      const b = sink.addClient(second.fd);
      await within(reactor, second.viewer.received(1000), 10, 'second viewer data');
      b.remove();
      expect((await within(reactor, b.done, 10, 'second done')).reason).toBe('removed');
      for (const v of [first.viewer, second.viewer]) v.socket.destroy();
    } finally {
      await within(reactor, pipeline.dispose(), 10, 'dispose');
      await listener.close();
    }
    await within(reactor, waitUntil(reactor, () => countFds() <= fds, 5, 'fds back'), 6, `fds ${describeFds()}`);
  }, 30_000);

  it('an application handler installed before the reactor ran is left in place', async () => {
    expect(config.onUnhandledError).toBe(logUnhandledRxError);
    const previous = config.onUnhandledError;
    const mine: unknown[] = [];
    config.onUnhandledError = (e) => mine.push(e);
    try {
      const other = new NodeReactor();
      await runReactor({ name: 'NodeReactor', build: () => other }, other, async () => {
        expect(config.onUnhandledError).not.toBe(logUnhandledRxError);
        new Probe('probe-two').mood$.subscribe(() => { throw new Error('to the application'); });
        await within(other, waitUntil(other, () => mine.length === 1, 5, 'app handler'), 6, 'app handler');
      });
    } finally {
      config.onUnhandledError = previous;
    }
    expect(mine).toMatchObject([{ message: 'to the application' }]);
  }, 20_000);
});

/** A TCP listener on 127.0.0.1 whose accepted sockets become owned fds for a sink (dup + destroy). */
async function listenForFds(): Promise<{ accept(): Promise<{ fd: number; viewer: ReturnType<typeof recorder> }>; close(): Promise<void> }> {
  const { createServer } = await import('node:net');
  const { stealSocketFd } = await import('../../src/gst/fd-util');
  const accepted: Socket[] = [];
  const waiting: Array<(s: Socket) => void> = [];
  const server = createServer((s) => {
    const w = waiting.shift();
    if (w !== undefined) w(s); else accepted.push(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    accept: async () => {
      const socket = connect(port, '127.0.0.1');
      const viewer = recorder(socket);
      const serverSide = accepted.shift() ?? await new Promise<Socket>((resolve) => waiting.push(resolve));
      return { fd: stealSocketFd(serverSide), viewer };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function recorder(socket: Socket): { socket: Socket; received(n: number): Deferred<void> } {
  let bytes = 0;
  let waiters: Array<[number, Deferred<void>]> = [];
  socket.on('data', (c: Buffer) => {
    bytes += c.length;
    waiters = waiters.filter(([n, d]) => (bytes >= n ? (d.callback(undefined), false) : true));
  });
  socket.on('error', () => undefined);
  return {
    socket,
    received: (n) => {
      const d = new Deferred<void>();
      if (bytes >= n) d.callback(undefined); else waiters.push([n, d]);
      return d;
    },
  };
}
