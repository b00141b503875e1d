/**
 * Conformance: flow control — a streaming producer registered on a transport is paused when the
 * peer stops reading (the write buffer passes its high-water mark) and resumed when it reads again;
 * a pull producer is asked for more each time the buffer drains; a second registration is an error.
 */
import { describe, expect, it } from 'vitest';
import { ProducerAlreadyRegistered } from '../../src/reactor/errors';
import type { PullProducer, PushProducer, Transport } from '../../src/reactor/interfaces/transport';
import type { Endpoint } from './endpoints';
import { OneShotClientFactory, RecordingProtocol, ServerFactory, runReactor, waitUntil, type FullReactorBuilder } from './helpers';

const CHUNK = Buffer.alloc(64 * 1024, 0x63);

/** Writes CHUNKs while not paused, until `total` bytes went out. */
class ChunkProducer implements PushProducer {
  paused = false;
  pauses = 0;
  resumes = 0;
  stopped = false;
  sent = 0;
  constructor(private readonly transport: Transport, private readonly total: number,
    private readonly later: (fn: () => void) => void) {}

  start(): void {
    this.transport.registerProducer(this, true);
    this.pump();
  }

  pauseProducing(): void {
    this.paused = true;
    this.pauses++;
  }

  resumeProducing(): void {
    this.paused = false;
    this.resumes++;
    this.later(() => this.pump());
  }

  stopProducing(): void {
    this.stopped = true;
  }

  private pump(): void {
    while (!this.paused && !this.stopped && this.sent < this.total) {
      this.transport.write(CHUNK);
      this.sent += CHUNK.length;
    }
    if (this.sent >= this.total) this.transport.unregisterProducer();
  }
}

export function flowControlSuite(builder: FullReactorBuilder, endpoint: Endpoint): void {
  describe(`${builder.name}: ${endpoint.kind} flow control`, () => {
    it('pauses a streaming producer while the peer does not read, resumes it when it does', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const server = new ServerFactory(() => new RecordingProtocol());
        const port = await endpoint.listen(reactor, server);
        const client = new OneShotClientFactory(new RecordingProtocol());
        endpoint.connect(reactor, port, client);
        const clientProtocol = await client.connected;
        const serverProtocol = await server.connected;
        clientProtocol.transport?.pauseProducing(); // the peer stops reading
        const total = 32 << 20;
        const producer = new ChunkProducer(serverProtocol.transport as Transport, total, (fn) => reactor.callLater(0, fn));
        producer.start();
        await waitUntil(reactor, () => producer.paused, 5, 'the producer to be paused');
        const sentWhilePaused = producer.sent;
        expect(sentWhilePaused).toBeLessThan(total);
        clientProtocol.transport?.resumeProducing();
        await clientProtocol.receivedAtLeast(total);
        expect(producer.pauses).toBeGreaterThanOrEqual(1);
        expect(producer.resumes).toBeGreaterThanOrEqual(1);
        expect(producer.sent).toBe(total);
        expect(() => serverProtocol.transport?.registerProducer(producer, true)).not.toThrow();
        expect(() => serverProtocol.transport?.registerProducer(producer, true)).toThrow(ProducerAlreadyRegistered);
        clientProtocol.transport?.loseConnection();
        await serverProtocol.lost;
        expect(producer.stopped).toBe(true); // the transport stops its producer when the connection goes
        await port.stopListening();
      });
    });

    it('asks a pull producer for more each time the buffer drains', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const server = new ServerFactory(() => new RecordingProtocol());
        const port = await endpoint.listen(reactor, server);
        const client = new OneShotClientFactory(new RecordingProtocol());
        endpoint.connect(reactor, port, client);
        const clientProtocol = await client.connected;
        const serverProtocol = await server.connected;
        const transport = serverProtocol.transport as Transport;
        let calls = 0;
        const pull: PullProducer = {
          resumeProducing() {
            calls++;
            transport.write(CHUNK);
            if (calls === 20) transport.unregisterProducer();
          },
          stopProducing() {},
        };
        transport.registerProducer(pull, false);
        await clientProtocol.receivedAtLeast(20 * CHUNK.length);
        expect(calls).toBe(20);
        clientProtocol.transport?.loseConnection();
        await serverProtocol.lost;
        await port.stopListening();
      });
    });
  });
}
