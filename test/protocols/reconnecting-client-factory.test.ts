import { describe, expect, it } from 'vitest';
import { Failure } from '../../src/defer/failure';
import { ConnectionLost } from '../../src/errors';
import { ProtocolUsageError } from '../../src/protocols/errors';
import { seededRandom } from '../../src/protocols/random';
import { ReconnectingClientFactory, type ReconnectingOptions } from '../../src/protocols/reconnecting-client-factory';
import { Clock } from '../../src/testing/clock';
import { MemoryConnector } from '../../src/testing/memory-reactor';

const lost = (): Failure => new Failure(new ConnectionLost());

class CountingConnector extends MemoryConnector {
  connects = 0;
  constructor() {
    super({ type: 'TCP', family: 'IPv4', host: '192.0.2.7', port: 9 });
  }
  override connect(): void {
    this.connects += 1;
    super.connect();
  }
}

/** Fails every attempt and returns the delays the factory chose, measured on the Clock. */
function schedule(options: Omit<ReconnectingOptions, 'clock'>, attempts: number): number[] {
  const clock = new Clock();
  const f = new ReconnectingClientFactory({ clock, ...options });
  const c = new CountingConnector();
  const delays: number[] = [];
  f.clientConnectionFailed(c, lost());
  for (let i = 0; i < attempts; i++) {
    const pending = clock.getDelayedCalls();
    if (pending.length === 0) break;
    expect(pending).toHaveLength(1);
    const at = (pending[0] as { getTime(): number }).getTime();
    delays.push(at - clock.seconds());
    clock.advance(at - clock.seconds());
    expect(c.connects).toBe(i + 1);
    f.clientConnectionFailed(c, lost());
  }
  return delays;
}

describe('ReconnectingClientFactory', () => {
  it('grows the delay by e per retry up to maxDelay (no jitter)', () => {
    const delays = schedule({ jitter: 0, maxDelay: 100 }, 7);
    const expected = [Math.E, Math.E ** 2, Math.E ** 3, Math.E ** 4, 100, 100, 100];
    delays.forEach((d, i) => expect(d).toBeCloseTo(expected[i] as number, 9));
  });

  it('draws jitter from the injected source: a fixed draw gives exact, compounding delays', () => {
    // random() = 0.5 twice gives the normal deviate z = -sqrt(2 ln 2) (Box–Muller, cos(pi) = -1).
    const z = -Math.sqrt(2 * Math.log(2));
    const j = 0.1;
    const delays = schedule({ jitter: j, random: () => 0.5, initialDelay: 2, maxDelay: 50 }, 5);
    let d = 2;
    for (const got of delays) {
      d = Math.min(d * Math.E, 50);
      d = Math.min(d * (1 + z * j), 50);
      expect(got).toBeCloseTo(d, 9);
    }
  });

  it('is reproducible with a seeded source, spreads around the nominal delay, and never exceeds the cap', () => {
    const a = schedule({ random: seededRandom(42), maxDelay: 30 }, 12);
    const b = schedule({ random: seededRandom(42), maxDelay: 30 }, 12);
    const c = schedule({ random: seededRandom(43), maxDelay: 30 }, 12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const d of [...a, ...c]) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(30 + 1e-9);
    }
    expect(a.slice(-4).every((d) => d > 15)).toBe(true); // capped region: jitter around 30, clipped above
    const uncapped = a.filter((d) => d < 30);
    expect(uncapped.length).toBeGreaterThan(6);
    expect(new Set(uncapped).size).toBe(uncapped.length); // jitter makes every delay different
  });

  it('has a spread matching the jitter parameter', () => {
    const random = seededRandom(7);
    const ratios: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const clock = new Clock();
      const f = new ReconnectingClientFactory({ clock, random, initialDelay: 1, jitter: 0.12 });
      f.retry(new CountingConnector());
      ratios.push(f.delay / Math.E);
    }
    const mean = ratios.reduce((s, r) => s + r, 0) / ratios.length;
    const sd = Math.sqrt(ratios.reduce((s, r) => s + (r - mean) ** 2, 0) / ratios.length);
    expect(mean).toBeGreaterThan(0.98);
    expect(mean).toBeLessThan(1.02);
    expect(sd).toBeGreaterThan(0.1);
    expect(sd).toBeLessThan(0.14);
  });

  it('gives up after maxRetries and starts over after resetDelay', () => {
    const clock = new Clock();
    const f = new ReconnectingClientFactory({ clock, jitter: 0, maxRetries: 3 });
    const c = new CountingConnector();
    f.clientConnectionLost(c, lost());
    for (let i = 0; i < 5; i++) {
      clock.advance(10_000);
      f.clientConnectionFailed(c, lost());
    }
    expect(c.connects).toBe(3);
    expect(clock.getDelayedCalls()).toHaveLength(0);
    f.resetDelay();
    expect(f.delay).toBe(1);
    expect(f.retries).toBe(0);
    f.clientConnectionLost(c, lost());
    expect(f.pendingRetry?.getTime()).toBeCloseTo(clock.seconds() + Math.E, 9);
  });

  it('stopTrying cancels the pending retry, stops a connection attempt and ignores later losses', () => {
    const clock = new Clock();
    const f = new ReconnectingClientFactory({ clock, jitter: 0 });
    const c = new CountingConnector();
    f.clientConnectionFailed(c, lost());
    expect(f.pendingRetry).not.toBeNull();
    f.stopTrying();
    expect(f.pendingRetry).toBeNull();
    expect(c.stoppedConnecting).toBe(true);
    clock.advance(100);
    expect(c.connects).toBe(0);
    f.clientConnectionLost(c, lost());
    f.retry(c);
    expect(clock.getDelayedCalls()).toHaveLength(0);
  });

  it('throws ProtocolUsageError when asked to retry with no connector', () => {
    const f = new ReconnectingClientFactory({ clock: new Clock() });
    expect(() => f.retry()).toThrow(ProtocolUsageError);
  });
});
