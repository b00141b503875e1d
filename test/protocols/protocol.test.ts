import { describe, expect, it } from 'vitest';
import { Failure } from '../../src/defer/failure';
import { ConnectionDone } from '../../src/errors';
import { Protocol, requireTransport } from '../../src/protocols/protocol';
import { StringTransport } from '../../src/testing/string-transport';
import { connectedPair } from '../../src/testing/iosim';

describe('Protocol', () => {
  it('stores the transport, marks itself connected and calls connectionMade', () => {
    const seen: string[] = [];
    class Greeter extends Protocol {
      override connectionMade(): void {
        seen.push(`made:${String(this.connected)}`);
        requireTransport(this).write('hello');
      }
    }
    const p = new Greeter();
    expect(p.connected).toBe(false);
    expect(() => requireTransport(p)).toThrow(/Greeter is not connected/);
    const t = new StringTransport();
    p.makeConnection(t);
    expect(p.transport).toBe(t);
    expect(seen).toEqual(['made:true']);
    expect(t.value().toString()).toBe('hello');
    p.dataReceived(new Uint8Array([1])); // the default discards
    p.connectionLost(new Failure(new ConnectionDone()));
    expect(p.connected).toBe(false);
  });

  it('talks to a peer over the in-memory pair', () => {
    class Echo extends Protocol {
      override dataReceived(data: Uint8Array): void {
        this.transport?.write(data);
      }
    }
    const got: string[] = [];
    let lost: Failure | null = null;
    class Client extends Protocol {
      override connectionMade(): void {
        this.transport?.write('ping');
      }
      override dataReceived(data: Uint8Array): void {
        got.push(Buffer.from(data).toString());
        this.transport?.loseConnection();
      }
      override connectionLost(reason: Failure): void {
        lost = reason;
        super.connectionLost(reason);
      }
    }
    const { pump, client } = connectedPair(new Echo(), new Client());
    pump.flush();
    expect(got).toEqual(['ping']);
    expect(client.connected).toBe(false);
    expect((lost as Failure | null)?.check(ConnectionDone)).toBe(ConnectionDone);
  });
});
