/**
 * `torsion/reactor`: Twisted's reactor model on Node — narrow capability interfaces, the shared
 * delayed-call heap, `NodeReactor` and `GLibReactor`, transports with fd detach/adopt, the GLib
 * callback guards, and an RxJS scheduler on any `ReactorTime`. Importing it never loads node-gtk.
 * Tests: test/reactor/, test/conformance/.
 */
export type { DelayedCall, ReactorTime } from '../defer/time';
export {
  AlreadyCalled, AlreadyCancelled, ReactorNotRunning, ReactorAlreadyRunning, ReactorNotRestartable,
  UnknownTriggerError, CannotListenError, ConnectError, ConnectionRefusedError, ConnectTimeout, DNSLookupError,
  ConnectionReset, ConnectionAborted, ConnectionDetached, AlreadyDetached, ConnectionClosedError,
  DetachFlushError, DetachNotSupported, AdoptError, ProducerAlreadyRegistered, ProcessDone, ProcessTerminated,
  ProcessExitedAlready,
} from './errors';
export { DelayedCallQueue, ScheduledCall } from './delayed-call-queue';
export type { DelayedCallQueueOptions } from './delayed-call-queue';
export type { Address, TCPAddress, UNIXAddress, ProcessAddress } from './interfaces/address';
export type { Protocol, Factory, ClientFactory, ProcessProtocol } from './interfaces/protocol';
export type {
  Transport, TCPTransport, ProcessTransport, Consumer, PushProducer, PullProducer, DetachOptions, DetachedSocket,
} from './interfaces/transport';
export type {
  ReactorCore, ReactorTCP, ReactorUNIX, ReactorTLS, ReactorProcess, ReactorSocket, Reactor, ListeningPort,
  Connector, ListenOptions, ListenUNIXOptions, ConnectOptions, SpawnOptions, ChildFDSpec, RunOptions,
  SystemEventPhase, SystemEventType, TriggerId,
} from './interfaces/reactor';
export { NodeReactor } from './impl/node-reactor';
export { GLibReactor } from './impl/glib-reactor';
export { guardCallback, holdLoopAlive, connectSignal, type SignalSource } from './impl/glib-glue';
export { reactorScheduler } from './scheduler';
export { toObservable, fromObservable } from './deferred-observable';
