/**
 * `StringTransport` and `StringProcessTransport`: what a protocol writes is recorded; closing,
 * producers and TLS are flags to inspect; detach is refused.
 */
import { describe, expect, it } from 'vitest';
import { DetachNotSupported, ProcessExitedAlready, ProducerAlreadyRegistered } from '../../src/reactor/errors';
import { StringProcessTransport } from '../../src/testing/string-process-transport';
import { StringTransport } from '../../src/testing/string-transport';

describe('StringTransport', () => {
  it('records writes, clears them, and flags closes', () => {
    const t = new StringTransport();
    t.write('ab');
    t.writeSequence([Buffer.from('c'), '', 'd']);
    expect(t.value().toString()).toBe('abcd');
    expect(t.writes).toHaveLength(3);
    t.clear();
    expect(t.value().length).toBe(0);
    expect(t.connected).toBe(true);
    t.loseWriteConnection();
    expect(t.writeClosed).toBe(true);
    t.loseConnection();
    expect(t.disconnecting).toBe(true);
    expect(t.connected).toBe(false);
    const u = new StringTransport();
    u.abortConnection();
    expect(u.aborted && u.disconnecting).toBe(true);
  });

  it('reports addresses, records producers and producer state, refuses detach', async () => {
    const t = new StringTransport({ peerAddress: { type: 'UNIX', path: '/tmp/x' } });
    expect(t.getHost()).toMatchObject({ type: 'TCP', host: '10.0.0.1' });
    expect(t.getPeer()).toEqual({ type: 'UNIX', path: '/tmp/x' });
    let pulled = 0;
    t.registerProducer({ resumeProducing: () => pulled++, stopProducing: () => undefined }, false);
    expect(pulled).toBe(1);
    expect(t.streaming).toBe(false);
    expect(() => t.registerProducer({ resumeProducing: () => 0, stopProducing: () => 0 }, false)).toThrow(ProducerAlreadyRegistered);
    t.unregisterProducer();
    expect(t.producer).toBeNull();
    t.pauseProducing();
    expect(t.producerState).toBe('paused');
    t.resumeProducing();
    expect(t.producerState).toBe('producing');
    t.stopProducing();
    expect(() => t.resumeProducing()).toThrow();
    t.startTLS({ servername: 'x' }, false);
    expect(t.tls?.server).toBe(false);
    await expect(t.detach()).rejects.toBeInstanceOf(DetachNotSupported);
  });
});

describe('StringProcessTransport', () => {
  it('records writes per fd, closes and signals', () => {
    const t = new StringProcessTransport();
    t.write('in');
    t.writeToChild(3, 'three');
    expect(t.value().toString()).toBe('in');
    expect(t.value(3).toString()).toBe('three');
    t.closeStdin();
    t.signalProcess('TERM');
    expect([...t.closedFDs]).toEqual([0]);
    expect(t.signals).toEqual(['TERM']);
    t.pid = null;
    expect(() => t.signalProcess('KILL')).toThrow(ProcessExitedAlready);
  });
});
