/**
 * `connectedPair` + `IOPump`: bytes cross in both directions, paused reading holds them back,
 * half-close reaches `readConnectionLost`, closes and aborts give the right reasons, and a Clock is
 * advanced by the pump.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionDone, ConnectionLost } from '../../src/errors';
import { ConnectionAborted } from '../../src/reactor/errors';
import { Clock } from '../../src/testing/clock';
import { connectedPair } from '../../src/testing/iosim';
import { EchoProtocol, HalfCloseEcho, RecordingProtocol } from '../conformance/helpers';

describe('connectedPair', () => {
  it('moves bytes both ways until quiet', () => {
    const { client, server, pump } = connectedPair(new EchoProtocol(), new RecordingProtocol());
    expect(server.transport).not.toBeNull();
    client.transport?.write('ping');
    expect(pump.flush()).toBe(true);
    expect(server.received().toString()).toBe('ping');
    expect(client.received().toString()).toBe('ping');
    expect(pump.flush()).toBe(false);
  });

  it('holds bytes while the receiver paused reading', () => {
    const { client, server, pump } = connectedPair(new RecordingProtocol(), new RecordingProtocol());
    server.transport?.pauseProducing();
    client.transport?.write('wait');
    pump.flush();
    expect(server.received().length).toBe(0);
    server.transport?.resumeProducing();
    pump.flush();
    expect(server.received().toString()).toBe('wait');
  });

  it('half-close reaches readConnectionLost; loseConnection ends both sides cleanly', () => {
    const { client, server, pump } = connectedPair(new HalfCloseEcho(), new RecordingProtocol());
    client.transport?.write('abc');
    client.transport?.loseWriteConnection();
    pump.flush();
    expect(server.readEnded).toBe(true);
    expect(client.received().toString()).toBe('got:abc');
    expect(server.lostReason?.value).toBeInstanceOf(ConnectionDone);
    expect(client.lostReason?.value).toBeInstanceOf(ConnectionDone);
  });

  it('a peer without half-close support is closed on EOF; abort gives Aborted/Lost', () => {
    const a = connectedPair(new RecordingProtocol(), new RecordingProtocol());
    a.client.transport?.loseWriteConnection();
    a.pump.flush();
    expect(a.server.lostReason?.value).toBeInstanceOf(ConnectionDone);
    const b = connectedPair(new RecordingProtocol(), new RecordingProtocol());
    b.client.transport?.abortConnection();
    b.pump.flush();
    expect(b.client.lostReason?.value).toBeInstanceOf(ConnectionAborted);
    expect(b.server.lostReason?.value).toBeInstanceOf(ConnectionLost);
  });

  it('advances a Clock by zero on each round', () => {
    const clock = new Clock();
    const { client, pump } = connectedPair(new EchoProtocol(), new RecordingProtocol(), { clock });
    let ran = false;
    clock.callLater(0, () => {
      ran = true;
      client.transport?.write('late');
    });
    pump.flush();
    expect(ran).toBe(true);
    expect(client.received().toString()).toBe('late');
  });
});
