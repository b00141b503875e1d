/**
 * `Factory` and `ClientFactory` (Twisted's `protocol.Factory`, `protocol.ClientFactory`): build a
 * protocol per connection and hold what connections share. `doStart`/`doStop` count the ports and
 * connectors using the factory and call `startFactory`/`stopFactory` on the first start and the
 * last stop. Tests: test/protocols/factory.test.ts.
 */
import type { Failure } from '../defer/failure';
import { getLogger } from '../log';
import type { Address } from '../reactor/interfaces/address';
import type {
  ClientFactory as ClientFactoryInterface, Factory as FactoryInterface, Protocol as ProtocolInterface,
} from '../reactor/interfaces/protocol';
import type { Connector } from '../reactor/interfaces/reactor';
import { ProtocolUsageError } from './errors';

/** A protocol class with a no-argument constructor. */
export type ProtocolClass<P extends ProtocolInterface> = new () => P;
/** A function building a protocol for a peer address, or returning null to refuse the connection. */
export type ProtocolBuilder<P extends ProtocolInterface> = (address: Address) => P | null;

/** True for an ES `class` (called with `new`); arrow and ordinary functions are builders. */
function isClass(fn: unknown): fn is new () => unknown {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}

/** Builds protocols; see the module comment. */
export class Factory<P extends ProtocolInterface = ProtocolInterface> implements FactoryInterface {
  /**
   * What `buildProtocol` uses: a class (constructed with `new`, no arguments) or a builder function
   * (called with the peer address). Use a builder to pass constructor arguments.
   */
  protocol: ProtocolClass<P> | ProtocolBuilder<P> | null = null;
  /** How many ports/connectors currently use this factory (Twisted's `numPorts`). */
  numPorts = 0;
  /** Log start and stop (at debug level). */
  noisy = true;

  /**
   * A factory of this class (constructed with `args`) whose `protocol` is `protocol`; the result is
   * typed to build that protocol.
   */
  static forProtocol<P extends ProtocolInterface, F extends Factory<ProtocolInterface>, A extends unknown[]>(
    this: new (...args: A) => F, protocol: ProtocolClass<P> | ProtocolBuilder<P>, ...args: A): Factory<P> & F {
    const factory = new this(...args);
    factory.protocol = protocol;
    return factory as unknown as Factory<P> & F;
  }

  /** Called by each port or connector that starts using this factory. */
  doStart(): void {
    if (this.numPorts === 0) {
      if (this.noisy) getLogger().debug('starting factory', { factory: this.constructor.name });
      this.startFactory();
    }
    this.numPorts += 1;
  }

  /** Called by each port or connector that stops using it; extra calls are ignored. */
  doStop(): void {
    if (this.numPorts === 0) return;
    this.numPorts -= 1;
    if (this.numPorts === 0) {
      if (this.noisy) getLogger().debug('stopping factory', { factory: this.constructor.name });
      this.stopFactory();
    }
  }

  /** Runs once before the first port or connector uses the factory. */
  startFactory(): void {
    // hook
  }

  /** Runs once after the last port or connector stopped using it. */
  stopFactory(): void {
    // hook
  }

  /**
   * A protocol for a connection from `address` (null refuses it), with its `factory` set. Throws
   * `ProtocolUsageError` when `protocol` is not set.
   */
  buildProtocol(address: Address): P | null {
    const spec = this.protocol;
    if (spec === null) throw new ProtocolUsageError(`${this.constructor.name}.protocol is not set`);
    const protocol = isClass(spec) ? new (spec as ProtocolClass<P>)() : (spec as ProtocolBuilder<P>)(address);
    if (protocol !== null && typeof protocol === 'object' && 'factory' in protocol) {
      (protocol as { factory: unknown }).factory = this;
    }
    return protocol;
  }
}

/** A factory for outgoing connections; the three hooks do nothing by default. */
export class ClientFactory<P extends ProtocolInterface = ProtocolInterface> extends Factory<P>
  implements ClientFactoryInterface {
  /** The connector has started connecting. */
  startedConnecting(_connector: Connector): void {
    // hook
  }

  /** The connection attempt failed. */
  clientConnectionFailed(_connector: Connector, _reason: Failure): void {
    // hook
  }

  /** An established connection was lost. */
  clientConnectionLost(_connector: Connector, _reason: Failure): void {
    // hook
  }
}
