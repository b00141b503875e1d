/**
 * An in-memory connected pair with an I/O pump (Twisted's `iosim`): two protocols joined by two
 * `FakeTransport`s; `pump.flush()` moves written bytes across until nothing moves, honours paused
 * reading, half-close (`loseWriteConnection` → the peer's `readConnectionLost`, or a full close when
 * the peer is not half-close aware) and closes (`loseConnection` → `ConnectionDone` on both sides,
 * `abortConnection` → `ConnectionAborted` here and `ConnectionLost` on the peer), advancing an
 * optional `Clock` by zero between rounds. Tests: test/testing/iosim.test.ts.
 */
import { Failure } from '../defer/failure';
import { ConnectionDone, ConnectionLost } from '../errors';
import { ConnectionAborted } from '../reactor/errors';
import type { Address } from '../reactor/interfaces/address';
import type { Protocol } from '../reactor/interfaces/protocol';
import type { Clock } from './clock';
import { StringTransport } from './string-transport';

/** One side of a connected pair. */
export class FakeTransport extends StringTransport {
  peer: FakeTransport | null = null;
  /** True once this side's connectionLost ran. */
  lost = false;
  /** True once the peer's EOF was delivered to this side. */
  readClosed = false;

  constructor(readonly protocol: Protocol, host: Address, peer: Address) {
    super({ hostAddress: host, peerAddress: peer });
  }

  override write(data: Uint8Array | string): void {
    if (this.lost || this.disconnecting || this.writeClosed) return;
    super.write(data);
  }
}

const SERVER_ADDRESS: Address = { type: 'TCP', family: 'IPv4', host: '127.0.0.1', port: 1 };
const CLIENT_ADDRESS: Address = { type: 'TCP', family: 'IPv4', host: '127.0.0.1', port: 2 };

/** Moves bytes and close events between the two sides of a pair. */
export class IOPump {
  constructor(readonly client: FakeTransport, readonly server: FakeTransport, private readonly clock?: Clock) {}

  /** One round in each direction; returns true if anything happened. */
  pump(): boolean {
    this.clock?.advance(0);
    let moved = this.move(this.client, this.server);
    moved = this.move(this.server, this.client) || moved;
    return moved;
  }

  /** Pumps until nothing moves (at most `maxRounds`). Returns true if anything moved. */
  flush(maxRounds = 10_000): boolean {
    let any = false;
    for (let i = 0; i < maxRounds; i++) {
      if (!this.pump()) return any;
      any = true;
    }
    throw new Error(`IOPump.flush: still busy after ${maxRounds} rounds`);
  }

  private move(from: FakeTransport, to: FakeTransport): boolean {
    if (from.lost) return false;
    let moved = false;
    if (from.aborted) {
      this.close(from, new ConnectionAborted(), new ConnectionLost('The peer aborted the connection.'));
      return true;
    }
    if (from.writes.length > 0 && to.producerState !== 'paused' && !to.lost) {
      const data = from.value();
      from.clear();
      to.protocol.dataReceived(data);
      moved = true;
    }
    if (from.writes.length > 0) return moved;
    if (from.disconnecting) {
      this.close(from, new ConnectionDone(), new ConnectionDone());
      return true;
    }
    if (from.writeClosed && !to.readClosed) {
      to.readClosed = true;
      if (to.protocol.readConnectionLost !== undefined) to.protocol.readConnectionLost();
      else to.loseConnection();
      return true;
    }
    return moved;
  }

  private close(side: FakeTransport, own: Error, peers: Error): void {
    const other = side.peer as FakeTransport;
    for (const [t, reason] of [[side, own], [other, peers]] as const) {
      if (t.lost) continue;
      t.lost = true;
      t.disconnecting = true;
      const producer = t.producer;
      t.producer = null;
      producer?.stopProducing();
      t.protocol.connectionLost(new Failure(reason));
    }
  }
}

/** What {@link connectedPair} returns. */
export interface ConnectedPair<S extends Protocol, C extends Protocol> {
  readonly server: S;
  readonly client: C;
  readonly serverTransport: FakeTransport;
  readonly clientTransport: FakeTransport;
  readonly pump: IOPump;
}

/**
 * Connects `server` and `client` in memory: both get `makeConnection` (server first), then the
 * returned pump moves their bytes. Pass a `Clock` to advance it by zero on every pump round.
 */
export function connectedPair<S extends Protocol, C extends Protocol>(server: S, client: C,
  options: { clock?: Clock } = {}): ConnectedPair<S, C> {
  const serverTransport = new FakeTransport(server, SERVER_ADDRESS, CLIENT_ADDRESS);
  const clientTransport = new FakeTransport(client, CLIENT_ADDRESS, SERVER_ADDRESS);
  serverTransport.peer = clientTransport;
  clientTransport.peer = serverTransport;
  const pump = new IOPump(clientTransport, serverTransport, options.clock);
  server.makeConnection(serverTransport);
  client.makeConnection(clientTransport);
  return { server, client, serverTransport, clientTransport, pump };
}
