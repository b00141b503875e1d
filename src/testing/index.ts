/**
 * `torsion/testing`: deterministic doubles shipped with the library (Twisted's `Clock`,
 * `MemoryReactor`, `StringTransport`, `iosim`). Never loads node-gtk. Tests: test/testing/.
 */
export { Clock } from './clock';
export { MemoryReactor, MemoryConnector, MemoryListeningPort, type ListenRecord, type ConnectRecord } from './memory-reactor';
export { StringTransport, type StringTransportOptions } from './string-transport';
export { StringProcessTransport } from './string-process-transport';
export { connectedPair, FakeTransport, IOPump, type ConnectedPair } from './iosim';
