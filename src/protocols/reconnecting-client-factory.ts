/**
 * `ReconnectingClientFactory` (Twisted's): reconnects after a lost or failed connection with an
 * exponential back-off. Each retry multiplies `delay` by `factor` (e), caps it at `maxDelay`, then
 * draws the actual delay from a normal distribution around it (standard deviation `delay * jitter`);
 * unlike Twisted, the jittered value is capped at `maxDelay` again and never goes below zero. The
 * delay is scheduled on the injected `ReactorTime` and the jitter comes from an injectable
 * `RandomSource`, so the whole schedule is reproducible on `Clock`. Call `resetDelay()` once a
 * connection succeeds. Tests: test/protocols/reconnecting-client-factory.test.ts.
 */
import type { Failure } from '../defer/failure';
import type { DelayedCall, ReactorTime } from '../defer/time';
import { getLogger } from '../log';
import type { Protocol as ProtocolInterface } from '../reactor/interfaces/protocol';
import type { Connector } from '../reactor/interfaces/reactor';
import { ProtocolUsageError } from './errors';
import { ClientFactory } from './factory';
import { normalSample, systemRandom, type RandomSource } from './random';

/** Options of {@link ReconnectingClientFactory}; every number can also be changed on the instance. */
export interface ReconnectingOptions {
  /** Where retries are scheduled. */
  readonly clock: ReactorTime;
  /** Jitter source (default `Math.random`); pass `seededRandom(n)` for a reproducible schedule. */
  readonly random?: RandomSource;
  /** Delay before the first retry, in seconds, before growth (default 1). */
  readonly initialDelay?: number;
  /** Growth factor per retry (default e = 2.718…). */
  readonly factor?: number;
  /** Relative standard deviation of the delay (default 0.119626565582; 0 disables jitter). */
  readonly jitter?: number;
  /** Upper bound of the delay, in seconds (default 3600). */
  readonly maxDelay?: number;
  /** Give up after this many consecutive retries (default: never). */
  readonly maxRetries?: number | null;
}

export class ReconnectingClientFactory<P extends ProtocolInterface = ProtocolInterface> extends ClientFactory<P> {
  clock: ReactorTime;
  random: RandomSource;
  initialDelay: number;
  factor: number;
  jitter: number;
  maxDelay: number;
  maxRetries: number | null;
  /** The delay the next retry grows from (the last one scheduled). */
  delay: number;
  /** Consecutive retries since the last `resetDelay()`. */
  retries = 0;
  /** False after `stopTrying()`, true again after `resetDelay()`. */
  continueTrying = true;
  /** The connector being retried (the last one seen). */
  connector: Connector | null = null;
  private callId: DelayedCall | null = null;

  constructor(options: ReconnectingOptions) {
    super();
    this.clock = options.clock;
    this.random = options.random ?? systemRandom;
    this.initialDelay = options.initialDelay ?? 1;
    this.factor = options.factor ?? Math.E;
    this.jitter = options.jitter ?? 0.119626565582;
    this.maxDelay = options.maxDelay ?? 3600;
    this.maxRetries = options.maxRetries ?? null;
    this.delay = this.initialDelay;
  }

  /** The pending reconnection, if one is scheduled. */
  get pendingRetry(): DelayedCall | null {
    return this.callId !== null && this.callId.active() ? this.callId : null;
  }

  override clientConnectionFailed(connector: Connector, _reason: Failure): void {
    if (this.continueTrying) {
      this.connector = connector;
      this.retry();
    }
  }

  override clientConnectionLost(connector: Connector, _reason: Failure): void {
    if (this.continueTrying) {
      this.connector = connector;
      this.retry();
    }
  }

  /**
   * Schedules `connector.connect()` after the next delay (default connector: the last one seen;
   * `ProtocolUsageError` if there is none). Does nothing after `stopTrying()` or past `maxRetries`.
   */
  retry(connector?: Connector): void {
    if (!this.continueTrying) {
      if (this.noisy) getLogger().debug('abandoning reconnection on explicit request');
      return;
    }
    const target = connector ?? this.connector;
    if (target === null) throw new ProtocolUsageError('ReconnectingClientFactory.retry: no connector to retry');
    this.retries += 1;
    if (this.maxRetries !== null && this.retries > this.maxRetries) {
      if (this.noisy) getLogger().info('abandoning reconnection', { retries: this.retries - 1 });
      return;
    }
    this.delay = this.nextDelay();
    if (this.noisy) getLogger().debug('will retry', { delay: this.delay, retries: this.retries });
    if (this.callId?.active() === true) this.callId.cancel();
    this.callId = this.clock.callLater(this.delay, () => {
      this.callId = null;
      target.connect();
    });
  }

  /** Cancels a scheduled retry, stops any attempt in progress and retries no more. */
  stopTrying(): void {
    if (this.callId?.active() === true) this.callId.cancel();
    this.callId = null;
    this.continueTrying = false;
    if (this.connector !== null && this.connector.state === 'connecting') this.connector.stopConnecting();
  }

  /** Call after a successful connection: back to `initialDelay`, zero retries, trying again. */
  resetDelay(): void {
    this.delay = this.initialDelay;
    this.retries = 0;
    this.callId = null;
    this.continueTrying = true;
  }

  private nextDelay(): number {
    let delay = Math.min(this.delay * this.factor, this.maxDelay);
    if (this.jitter > 0) delay = normalSample(this.random, delay, delay * this.jitter);
    return Math.max(0, Math.min(delay, this.maxDelay));
  }
}
