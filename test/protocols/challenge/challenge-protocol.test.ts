import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captureLogs, type LogCapture } from '../../../src/log';
import {
  AuthDeadlineExceeded, AuthRateLimited, AuthWrongCredentials, ChallengeProtocolError,
} from '../../../src/protocols/errors';
import { FailureRateLimiter } from '../../../src/protocols/auth/rate-limiter';
import {
  ChallengeClientProtocol, ChallengeServerProtocol, type HandshakeResult,
} from '../../../src/protocols/challenge/challenge-protocol';
import { NonceCache } from '../../../src/protocols/challenge/nonce-cache';
import { Clock } from '../../../src/testing/clock';
import { connectedPair } from '../../../src/testing/iosim';
import { StringTransport } from '../../../src/testing/string-transport';
import { splits } from '../splits';

const SECRET = 'feed secret shared by the cluster';

let logs: LogCapture;
beforeEach(() => { logs = captureLogs(); });
afterEach(() => logs.restore());

/** Collects a protocol's outcome. */
function outcome(p: ChallengeServerProtocol | ChallengeClientProtocol): { result?: HandshakeResult; error?: Error } {
  const seen: { result?: HandshakeResult; error?: Error } = {};
  p.notifyHandshake().addCallbacks((r: HandshakeResult) => { seen.result = r; }, (f) => { seen.error = f.value; });
  return seen;
}

/** A feeder that starts streaming the moment the handshake succeeds. */
class FeedingServer extends ChallengeServerProtocol {
  override handshakeSucceeded(): void {
    this.transport?.write('GDP-bytes-right-after-accept');
  }
}

describe('feed handshake over an in-memory connection', () => {
  it('authenticates both sides, and hands bytes that follow the handshake to the caller', () => {
    const clock = new Clock();
    const server = new FeedingServer({ secret: SECRET, time: clock, nonces: new NonceCache({ clock }) });
    const client = new ChallengeClientProtocol({ identity: 'eater-1', secret: SECRET, time: clock });
    const s = outcome(server);
    const c = outcome(client);
    const { pump, clientTransport } = connectedPair(server, client, { clock });
    pump.flush();
    expect(s.result?.identity).toBe('eater-1');
    expect(s.result?.peer).toEqual(clientTransport.getHost());
    expect(c.result?.identity).toBe('eater-1');
    expect(server.handshakeDone && client.handshakeDone).toBe(true);
    expect(client.takeLeftover().toString()).toBe('GDP-bytes-right-after-accept');
    expect(client.takeLeftover()).toHaveLength(0);
    clientTransport.write('more');
    pump.flush();
    expect(server.takeLeftover().toString()).toBe('more');
    clock.advance(60); // the deadlines were disarmed
    expect(clientTransport.aborted).toBe(false);
    // notifyHandshake after the fact fires at once.
    expect(outcome(server).result?.identity).toBe('eater-1');
  });

  it('closes the connection with a typed error on both sides when the secret is wrong', () => {
    const server = new ChallengeServerProtocol({ secret: SECRET });
    const client = new ChallengeClientProtocol({ identity: 'eater-1', secret: 'a wrong but long secret' });
    const s = outcome(server);
    const c = outcome(client);
    const failed: Error[] = [];
    server.handshakeFailed = (e): void => { failed.push(e); };
    const { pump, serverTransport } = connectedPair(server, client);
    pump.flush();
    expect(s.error).toBeInstanceOf(AuthWrongCredentials);
    expect(c.error).toBeInstanceOf(AuthWrongCredentials);
    expect(failed).toHaveLength(1);
    expect(serverTransport.lost).toBe(true);
    expect(server.connected || client.connected).toBe(false);
    expect(logs.records.filter((r) => r.level === 'warn').map((r) => (r.fields['error'] as Error).constructor))
      .toEqual([AuthWrongCredentials, AuthWrongCredentials]);
  });

  it('accepts the client response however it is split', () => {
    // Record a client's response to a fixed challenge, then feed it to fresh servers in pieces.
    const fixed = (size: number): Uint8Array => new Uint8Array(size).fill(1);
    const recordServer = new ChallengeServerProtocol({ secret: SECRET, randomBytes: fixed });
    const client = new ChallengeClientProtocol({ identity: 'eater-1', secret: SECRET });
    const { pump, clientTransport } = connectedPair(recordServer, client);
    pump.pump(); // challenge to the client; its response is now written, not yet delivered
    const response = clientTransport.value();
    expect(response.length).toBeGreaterThan(60);
    const input = Buffer.concat([response, Buffer.from('tail')]);
    for (const chunks of splits(input, false)) {
      const server = new ChallengeServerProtocol({ secret: SECRET, randomBytes: fixed });
      const s = outcome(server);
      server.makeConnection(new StringTransport());
      for (const c of chunks) server.dataReceived(c);
      expect(s.result?.identity).toBe('eater-1');
      expect(server.takeLeftover().toString()).toBe('tail');
    }
  });

  it('closes a peer that does not finish within the deadline (slow loris)', () => {
    const clock = new Clock();
    const server = new ChallengeServerProtocol({ secret: SECRET, time: clock, deadline: 5 });
    const s = outcome(server);
    const transport = new StringTransport();
    server.makeConnection(transport);
    clock.advance(4.9);
    server.dataReceived(Buffer.from([0])); // one byte of a frame, then nothing
    expect(transport.aborted).toBe(false);
    clock.advance(0.1);
    expect(transport.aborted).toBe(true);
    expect(s.error).toBeInstanceOf(AuthDeadlineExceeded);
  });

  it('refuses oversized frames as malformed', () => {
    const server = new ChallengeServerProtocol({ secret: SECRET });
    const s = outcome(server);
    const transport = new StringTransport();
    server.makeConnection(transport);
    server.dataReceived(Buffer.from([0xff, 0xff]));
    expect(s.error).toBeInstanceOf(ChallengeProtocolError);
    expect(transport.disconnecting).toBe(true);
  });

  it('rate-limits an address after repeated failed handshakes', () => {
    const clock = new Clock();
    const limiter = new FailureRateLimiter({ clock, burst: 3 });
    const attempt = (secret: string): { s: ReturnType<typeof outcome>; c: ReturnType<typeof outcome> } => {
      const server = new ChallengeServerProtocol({ secret: SECRET, limiter });
      const client = new ChallengeClientProtocol({ identity: 'x', secret });
      const s = outcome(server);
      const c = outcome(client);
      connectedPair(server, client).pump.flush();
      return { s, c };
    };
    for (let i = 0; i < 3; i++) expect(attempt('a wrong but long secret').s.error).toBeInstanceOf(AuthWrongCredentials);
    const limited = attempt(SECRET);
    expect(limited.s.error).toBeInstanceOf(AuthRateLimited);
    expect(limited.c.error).toBeInstanceOf(AuthRateLimited);
    clock.advance(10);
    expect(attempt(SECRET).s.result?.identity).toBe('x');
  });

  it('reports a connection lost mid-handshake', () => {
    const server = new ChallengeServerProtocol({ secret: SECRET });
    const client = new ChallengeClientProtocol({ identity: 'x', secret: SECRET });
    const s = outcome(server);
    const { pump, clientTransport } = connectedPair(server, client);
    clientTransport.loseConnection();
    pump.flush();
    expect(s.error?.name).toBe('ConnectionDone');
  });
});
