import { describe, expect, it } from 'vitest';
import type { Address } from '../../src/reactor/interfaces/address';
import type { Protocol as ProtocolInterface } from '../../src/reactor/interfaces/protocol';
import { ProtocolUsageError } from '../../src/protocols/errors';
import { ClientFactory, Factory } from '../../src/protocols/factory';
import { Protocol } from '../../src/protocols/protocol';
import { Failure } from '../../src/defer/failure';
import { ConnectionDone } from '../../src/errors';
import { MemoryConnector } from '../../src/testing/memory-reactor';

const peer: Address = { type: 'TCP', family: 'IPv4', host: '192.0.2.1', port: 4000 };

class Echo extends Protocol {}

describe('Factory', () => {
  it('builds protocols from a class and sets their factory', () => {
    const f = Factory.forProtocol(Echo);
    const p = f.buildProtocol(peer);
    expect(p).toBeInstanceOf(Echo);
    expect(p?.factory).toBe(f);
    expect(f.buildProtocol(peer)).not.toBe(p);
  });

  it('builds protocols from a builder function, which may refuse with null', () => {
    const seen: Address[] = [];
    const f = new Factory<Echo>();
    f.protocol = (address) => {
      seen.push(address);
      return address.type === 'TCP' && address.host === '192.0.2.1' ? new Echo() : null;
    };
    expect(f.buildProtocol(peer)?.factory).toBe(f);
    expect(f.buildProtocol({ type: 'UNIX', path: null })).toBeNull();
    expect(seen).toHaveLength(2);
  });

  it('leaves protocols without a factory field alone', () => {
    const plain: ProtocolInterface = { makeConnection() {}, dataReceived() {}, connectionLost() {} };
    const f = Factory.forProtocol(() => plain);
    expect(f.buildProtocol(peer)).toBe(plain);
    expect('factory' in plain).toBe(false);
  });

  it('throws ProtocolUsageError when no protocol is set', () => {
    expect(() => new Factory().buildProtocol(peer)).toThrow(ProtocolUsageError);
  });

  it('passes constructor arguments through forProtocol', () => {
    class Named extends Factory<Echo> {
      constructor(readonly name: string) { super(); }
    }
    const f = Named.forProtocol(Echo, 'n1');
    expect(f).toBeInstanceOf(Named);
    expect(f.name).toBe('n1');
  });

  it('calls startFactory on the first doStart and stopFactory on the last doStop', () => {
    const calls: string[] = [];
    class Counted extends Factory {
      override startFactory(): void { calls.push('start'); }
      override stopFactory(): void { calls.push('stop'); }
    }
    const f = new Counted();
    f.doStop(); // ignored: not started
    f.doStart();
    f.doStart();
    expect(f.numPorts).toBe(2);
    f.doStop();
    expect(calls).toEqual(['start']);
    f.doStop();
    f.doStop();
    expect(calls).toEqual(['start', 'stop']);
    expect(f.numPorts).toBe(0);
    f.doStart();
    expect(calls).toEqual(['start', 'stop', 'start']);
  });
});

describe('ClientFactory', () => {
  it('has hooks that do nothing by default', () => {
    const f = ClientFactory.forProtocol(Echo);
    const c = new MemoryConnector(peer);
    f.startedConnecting(c);
    f.clientConnectionFailed(c, new Failure(new ConnectionDone()));
    f.clientConnectionLost(c, new Failure(new ConnectionDone()));
    expect(c.state).toBe('connecting');
    expect(f.buildProtocol(peer)).toBeInstanceOf(Echo);
  });
});
