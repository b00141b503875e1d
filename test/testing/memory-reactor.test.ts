/**
 * `MemoryReactor`: listens, connects, spawns and adoptions are recorded with their factories and
 * options; time is its Clock. (Its core is also run through the conformance suite.)
 */
import { describe, expect, it } from 'vitest';
import { MemoryReactor } from '../../src/testing/memory-reactor';
import { OneShotClientFactory, RecordingProtocol, ServerFactory } from '../conformance/helpers';

describe('MemoryReactor', () => {
  it('records listens and connects with their factories', async () => {
    const r = new MemoryReactor();
    const f = new ServerFactory(() => new RecordingProtocol());
    const port = await r.listenTCP(0, f, { interface: '127.0.0.1', backlog: 5 });
    expect(r.tcpServers[0]).toMatchObject({ factory: f, options: { backlog: 5 } });
    expect(port.getHost()).toMatchObject({ type: 'TCP', host: '127.0.0.1' });
    await r.listenUNIX('/tmp/sock', f, { mode: 0o600 });
    expect(r.unixServers[0]?.address).toEqual({ type: 'UNIX', path: '/tmp/sock' });
    await r.listenTLS(443, f, { key: 'k' });
    expect(r.tlsServers[0]?.options.tls).toEqual({ key: 'k' });
    const client = new OneShotClientFactory(new RecordingProtocol());
    const connector = r.connectTCP('example.org', 80, client, { timeout: 3 });
    expect(r.tcpClients[0]).toMatchObject({ factory: client, options: { timeout: 3 } });
    expect(connector.getDestination()).toMatchObject({ host: 'example.org', port: 80 });
    connector.stopConnecting();
    expect(connector.state).toBe('disconnected');
    r.connectUNIX('/tmp/sock', client);
    r.connectTLS('h', 1, client, { servername: 'h' });
    expect(r.unixClients).toHaveLength(1);
    expect(r.tlsClients[0]?.options.tls).toEqual({ servername: 'h' });
    await port.stopListening();
  });

  it('records spawns and adoptions; time is a Clock', () => {
    const r = new MemoryReactor();
    const pp = { makeConnection() {}, childDataReceived() {}, childConnectionLost() {}, processExited() {}, processEnded() {} };
    const t = r.spawnProcess(pp, '/bin/true', ['true'], { env: { A: '1' } });
    expect(r.processes[0]).toMatchObject({ executable: '/bin/true', args: ['true'], options: { env: { A: '1' } } });
    t.write('x');
    expect(t.value().toString()).toBe('x');
    const proto = new RecordingProtocol();
    const transport = r.adoptStreamConnection(7, new ServerFactory(() => proto));
    expect(r.adoptedStreamConnections[0]?.fd).toBe(7);
    expect(proto.transport).toBe(transport);
    let fired = false;
    r.callLater(2, () => {
      fired = true;
    });
    r.advance(2);
    expect(fired).toBe(true);
    expect(r.seconds()).toBe(2);
  });
});
