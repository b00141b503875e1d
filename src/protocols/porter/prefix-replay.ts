/**
 * A factory wrapper that replays bytes another process already read (the porter's request line)
 * into the protocol right after `makeConnection`, before the transport delivers anything it reads
 * itself — so the wrapped protocol (e.g. `HttpHandoffProtocol`) sees the whole request.
 * Tests: test/protocols/porter/prefix-replay.test.ts.
 */
import type { Failure } from '../../defer/failure';
import type { Address } from '../../reactor/interfaces/address';
import type { Factory, Protocol } from '../../reactor/interfaces/protocol';
import type { Transport } from '../../reactor/interfaces/transport';

/** Delegates every event to `inner`, with `prefix` delivered first. */
export class PrefixReplayProtocol implements Protocol {
  readConnectionLost?: () => void;
  writeConnectionLost?: () => void;
  private lost = false;

  constructor(readonly inner: Protocol, private prefix: Uint8Array) {
    if (inner.readConnectionLost !== undefined) this.readConnectionLost = () => inner.readConnectionLost?.();
    if (inner.writeConnectionLost !== undefined) this.writeConnectionLost = () => inner.writeConnectionLost?.();
  }

  makeConnection(transport: Transport): void {
    this.inner.makeConnection(transport);
    const prefix = this.prefix;
    this.prefix = new Uint8Array(0);
    if (prefix.length > 0 && !this.lost && transport.connected) this.inner.dataReceived(prefix);
  }

  dataReceived(data: Uint8Array): void {
    this.inner.dataReceived(data);
  }

  connectionLost(reason: Failure): void {
    this.lost = true;
    this.inner.connectionLost(reason);
  }
}

/** Builds `inner`'s protocol for one connection and replays `prefix` into it. */
export class PrefixReplayFactory implements Factory {
  constructor(private readonly inner: Factory, private readonly prefix: Uint8Array) {}

  buildProtocol(address: Address): Protocol | null {
    const protocol = this.inner.buildProtocol(address);
    return protocol === null ? null : new PrefixReplayProtocol(protocol, this.prefix);
  }
}
