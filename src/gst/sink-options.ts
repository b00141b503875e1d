/**
 * Client policies for FdSink, as options: sync method, burst on connect, soft/hard queue limits with
 * a recover policy, the client timeout (given in seconds, written to the sink in nanoseconds,
 * PITFALLS 16), and each client socket's kernel send buffer (set per client by FdSink,
 * `send-buffer.ts`). Validation happens here, before GStreamer sees a value, because the sink refuses
 * bad burst limits silently (PITFALLS 11). Values become `bigint` at this boundary (PITFALLS 13).
 * Tests: test/gst/sink-options.test.ts.
 */
import { GstOptionsError } from './errors';
import { FORMATS, RECOVER_POLICIES, SYNC_METHODS, type MultiHandleSinkProperties } from './elements';

/** Where a new client starts in the stream (GstMultiHandleSinkSyncMethod). */
export type SyncMethod = (typeof SYNC_METHODS)[number];
/** What happens to a client past the soft limit (GstMultiHandleSinkRecoverPolicy). */
export type RecoverPolicy = (typeof RECOVER_POLICIES)[number];
/** Unit of limits and bursts: buffers, bytes, or time in nanoseconds. */
export type UnitFormat = 'buffers' | 'bytes' | 'time';

/** An amount in a unit; `time` amounts are nanoseconds. Numbers must be safe integers. */
export interface Amount {
  readonly format: UnitFormat;
  readonly value: bigint | number;
}

/** Per-sink queue limits: a client lagging past `hardMax` is dropped (`slow`); past `softMax` it recovers. */
export interface QueueLimits {
  /** Unit of `softMax`/`hardMax` (`unit-format`); default `buffers`. */
  readonly format?: UnitFormat;
  readonly softMax?: bigint | number;
  readonly hardMax?: bigint | number;
  /** What to do with a client past `softMax`; default `none`. */
  readonly recoverPolicy?: RecoverPolicy;
}

/** Policies applied to every client of a sink (set as properties on each multifdsink). */
export interface SinkPolicy {
  /** Default start position for new clients; `latest-keyframe` suits WebM late joiners (PITFALLS 14). */
  readonly syncMethod?: SyncMethod;
  /** Default burst for the burst sync methods (`burst-format`/`burst-value`). */
  readonly burst?: Amount;
  readonly limits?: QueueLimits;
  /**
   * Drop a client that could not be written to for this long, in seconds (0 = never). An
   * {@link FdSink} watches this itself (its socket full for the timeout; src/gst/stall-watch.ts)
   * and leaves the sink's racy `timeout` at 0; `applySinkPolicy` alone writes it to the sink.
   */
  readonly clientTimeout?: number;
  /** Resend changed stream headers to clients already streaming (default true in GStreamer). */
  readonly resendStreamheader?: boolean;
  /**
   * SO_SNDBUF of each client socket, in bytes (the kernel doubles it and stops autotuning it);
   * unset: the kernel's autotuned buffer, up to `net.ipv4.tcp_wmem`'s maximum. Bytes in the kernel
   * buffer are lag the limits and the timeout cannot see, so a small one gets a stalled viewer
   * noticed in seconds; it also caps the viewer's rate at about 2 × sendBuffer per round trip.
   */
  readonly sendBuffer?: number;
}

/** Bounds of {@link SinkPolicy.sendBuffer} (a C int; below 4 KiB the kernel raises it anyway). */
export const SEND_BUFFER_MIN = 4096;
export const SEND_BUFFER_MAX = 2 ** 31 - 1;

/** Per-client options of `addClient`; with any of them set the client is added with `add-full`. */
export interface ClientPolicy {
  readonly syncMethod?: SyncMethod;
  /** The burst window: at least `min`, at most `max` (same format: `max` >= `min`). */
  readonly burstMin?: Amount;
  readonly burstMax?: Amount;
}

/** The `add-full` arguments for a client, or null for a plain `add`. */
export interface AddFullArgs {
  readonly sync: number;
  readonly minFormat: number;
  readonly minValue: bigint;
  readonly maxFormat: number;
  readonly maxValue: bigint;
}

const UNDEFINED_FORMAT = 0;
/** `guint64` -1: "no limit" for add-full values. */
const NO_LIMIT = 0xffffffffffffffffn;

function toBig(name: string, value: bigint | number): bigint {
  if (typeof value === 'bigint') return value;
  if (!Number.isSafeInteger(value)) throw new GstOptionsError(`${name} must be an integer, got ${value}.`);
  return BigInt(value);
}

function syncNumber(method: SyncMethod): number {
  const n = SYNC_METHODS.indexOf(method);
  if (n < 0) throw new GstOptionsError(`Unknown sync method '${String(method)}'.`);
  return n;
}

const UNIT_FORMATS: Readonly<Record<string, number>> = { buffers: FORMATS.buffers, bytes: FORMATS.bytes, time: FORMATS.time };

function formatNumber(format: UnitFormat): number {
  const n = Object.prototype.hasOwnProperty.call(UNIT_FORMATS, format) ? UNIT_FORMATS[format] : undefined;
  if (n === undefined) throw new GstOptionsError(`Unknown unit format '${String(format)}'.`);
  return n;
}

/** Check a sink policy; throws {@link GstOptionsError}. */
export function validateSinkPolicy(policy: SinkPolicy): void {
  if (policy.syncMethod !== undefined) syncNumber(policy.syncMethod);
  if (policy.burst !== undefined) {
    formatNumber(policy.burst.format);
    if (toBig('burst.value', policy.burst.value) < 0n) throw new GstOptionsError('burst.value must be >= 0.');
  }
  const l = policy.limits;
  if (l !== undefined) {
    if (l.format !== undefined) formatNumber(l.format);
    if (l.recoverPolicy !== undefined && !RECOVER_POLICIES.includes(l.recoverPolicy)) {
      throw new GstOptionsError(`Unknown recover policy '${String(l.recoverPolicy)}'.`);
    }
    const soft = l.softMax === undefined ? -1n : toBig('limits.softMax', l.softMax);
    const hard = l.hardMax === undefined ? -1n : toBig('limits.hardMax', l.hardMax);
    if (soft < -1n || hard < -1n) throw new GstOptionsError('Queue limits must be >= 0 (or -1 for none).');
    if (soft >= 0n && hard >= 0n && soft > hard) throw new GstOptionsError('limits.softMax must not exceed limits.hardMax.');
  }
  if (policy.clientTimeout !== undefined && !(policy.clientTimeout >= 0 && Number.isFinite(policy.clientTimeout))) {
    throw new GstOptionsError('clientTimeout must be a finite number of seconds >= 0.');
  }
  const sb = policy.sendBuffer;
  if (sb !== undefined && !(Number.isInteger(sb) && sb >= SEND_BUFFER_MIN && sb <= SEND_BUFFER_MAX)) {
    throw new GstOptionsError(`sendBuffer must be an integer number of bytes from ${SEND_BUFFER_MIN} to ${SEND_BUFFER_MAX}.`);
  }
}

/** Write a (validated) sink policy onto a multifdsink/multisocketsink. */
export function applySinkPolicy(sink: MultiHandleSinkProperties, policy: SinkPolicy): void {
  validateSinkPolicy(policy);
  if (policy.syncMethod !== undefined) sink.syncMethod = syncNumber(policy.syncMethod);
  if (policy.burst !== undefined) {
    sink.burstFormat = formatNumber(policy.burst.format);
    sink.burstValue = toBig('burst.value', policy.burst.value);
  }
  const l = policy.limits;
  if (l !== undefined) {
    sink.unitFormat = formatNumber(l.format ?? 'buffers');
    if (l.softMax !== undefined) sink.unitsSoftMax = toBig('limits.softMax', l.softMax);
    if (l.hardMax !== undefined) sink.unitsMax = toBig('limits.hardMax', l.hardMax);
    if (l.recoverPolicy !== undefined) sink.recoverPolicy = RECOVER_POLICIES.indexOf(l.recoverPolicy);
  }
  if (policy.clientTimeout !== undefined) sink.timeout = BigInt(Math.round(policy.clientTimeout * 1e9));
  if (policy.resendStreamheader !== undefined) sink.resendStreamheader = policy.resendStreamheader;
}

/**
 * The `add-full` arguments for a client policy (null when a plain `add` will do). Throws
 * {@link GstOptionsError} for limits the sink would silently refuse (same format, max < min).
 */
export function addFullArgs(policy: ClientPolicy | undefined, defaultSync: number): AddFullArgs | null {
  if (policy === undefined || (policy.syncMethod === undefined && policy.burstMin === undefined && policy.burstMax === undefined)) return null;
  const sync = policy.syncMethod === undefined ? defaultSync : syncNumber(policy.syncMethod);
  const min = policy.burstMin;
  const max = policy.burstMax;
  const minValue = min === undefined ? 0n : toBig('burstMin.value', min.value);
  const maxValue = max === undefined ? NO_LIMIT : toBig('burstMax.value', max.value);
  if (minValue < 0n || (max !== undefined && maxValue < 0n)) throw new GstOptionsError('Burst limits must be >= 0.');
  const minFormat = min === undefined ? UNDEFINED_FORMAT : formatNumber(min.format);
  const maxFormat = max === undefined ? UNDEFINED_FORMAT : formatNumber(max.format);
  if (min !== undefined && max !== undefined && minFormat === maxFormat && maxValue < minValue) {
    throw new GstOptionsError(`Invalid burst limits: max (${maxValue}) < min (${minValue}) in ${min.format}.`);
  }
  return { sync, minFormat, minValue, maxFormat, maxValue };
}
