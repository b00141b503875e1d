/**
 * Hand-written typings for the plugin elements that are in no GIR (PITFALLS 20): multifdsink,
 * multisocketsink, fdsrc, tee and queue, with their properties, action signals and signals as
 * node-gtk exposes them (camelCase properties, `emit(name, …)`, `connect(name, handler)`). 64-bit
 * properties read back as `bigint` and are written as `bigint` (PITFALLS 13). Internal: never part
 * of the public `.d.ts` (this file imports no Gst type). The enum tables map the public string names to GStreamer's numbers.
 * Tests: test/gst/elements.test.ts.
 */
/** What every GObject wrapper offers for signals. */
export interface SignalTarget {
  connect(signal: string, handler: (...args: never[]) => void): number;
  disconnect(handlerId: number): void;
}

/** Properties shared by multifdsink and multisocketsink (GstMultiHandleSink + GstBaseSink). */
export interface MultiHandleSinkProperties {
  syncMethod: number;
  recoverPolicy: number;
  unitFormat: number;
  unitsMax: bigint;
  unitsSoftMax: bigint;
  burstFormat: number;
  burstValue: bigint;
  /** Inactivity timeout per client, in nanoseconds (0 = none). */
  timeout: bigint;
  resendStreamheader: boolean;
  sync: boolean;
  readonly numHandles: number;
  readonly bytesServed: bigint;
  readonly bytesToServe: bigint;
  readonly buffersQueued: number;
}

/** multifdsink: clients are plain fds. */
export interface MultiFdSinkElement extends MultiHandleSinkProperties, SignalTarget {
  handleRead: boolean;
  emit(signal: 'add' | 'remove' | 'remove-flush', fd: number): void;
  emit(signal: 'add-full', fd: number, sync: number, minFormat: number, minValue: bigint, maxFormat: number, maxValue: bigint): void;
  emit(signal: 'clear'): void;
  connect(signal: 'client-added' | 'client-fd-removed', handler: (fd: number) => void): number;
  connect(signal: 'client-removed', handler: (fd: number, status: number) => void): number;
  connect(signal: string, handler: (...args: never[]) => void): number;
}

/** The part of a GSocket the sink code uses. */
export interface GioSocketLike {
  getFd(): number;
  close(): boolean;
}

/** multisocketsink: clients are GSockets. */
export interface MultiSocketSinkElement extends MultiHandleSinkProperties, SignalTarget {
  emit(signal: 'add' | 'remove' | 'remove-flush', socket: GioSocketLike): void;
  emit(signal: 'add-full', socket: GioSocketLike, sync: number, minFormat: number, minValue: bigint, maxFormat: number, maxValue: bigint): void;
  emit(signal: 'clear'): void;
  connect(signal: 'client-added' | 'client-socket-removed', handler: (socket: GioSocketLike) => void): number;
  connect(signal: 'client-removed', handler: (socket: GioSocketLike, status: number) => void): number;
  connect(signal: string, handler: (...args: never[]) => void): number;
}

/** fdsrc. */
export interface FdSrcElement {
  fd: number;
  /** Read timeout in microseconds (0 = none; PITFALLS 16). */
  timeout: bigint;
  isLive: boolean;
}

/** tee. */
export interface TeeElement {
  allowNotLinked: boolean;
  readonly numSrcPads: number;
}

/** queue. */
export interface QueueElement {
  maxSizeBuffers: number;
  maxSizeBytes: number;
  /** Nanoseconds. */
  maxSizeTime: bigint;
  leaky: number;
}


// --- enum tables (gstmultihandlesink.h, gstformat.h) ------------------------------------------

/** GstMultiHandleSinkSyncMethod nicks, in value order. */
export const SYNC_METHODS = ['latest', 'next-keyframe', 'latest-keyframe', 'burst', 'burst-keyframe', 'burst-with-keyframe'] as const;
/** GstMultiHandleSinkRecoverPolicy nicks, in value order. */
export const RECOVER_POLICIES = ['none', 'latest', 'soft-limit', 'keyframe'] as const;
/** GstMultiHandleSinkClientStatus values. */
export const CLIENT_STATUS = { ok: 0, closed: 1, removed: 2, slow: 3, error: 4, duplicate: 5, flushing: 6 } as const;
/** The GstFormat values the sink understands, by name. */
export const FORMATS = { default: 1, bytes: 2, time: 3, buffers: 4 } as const;
