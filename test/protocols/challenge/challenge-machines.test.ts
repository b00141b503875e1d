import { describe, expect, it } from 'vitest';
import {
  AuthConfigError, AuthRateLimited, AuthWrongCredentials, ChallengeProtocolError, ChallengeReplayed,
  ChallengeServerUnverified, ProtocolUsageError,
} from '../../../src/protocols/errors';
import { ChallengeClient, type ChallengeClientOptions } from '../../../src/protocols/challenge/challenge-client';
import { ChallengeServer, type ChallengeServerOptions } from '../../../src/protocols/challenge/challenge-server';
import { decodeMessage, encodeMessage } from '../../../src/protocols/challenge/messages';
import { NonceCache } from '../../../src/protocols/challenge/nonce-cache';
import { Clock } from '../../../src/testing/clock';

const SECRET = 'feed secret shared by the cluster';

/** Runs a whole exchange; returns both machines and every frame that crossed the wire. */
function exchange(serverOptions: ChallengeServerOptions, clientOptions: ChallengeClientOptions):
  { server: ChallengeServer; client: ChallengeClient; wire: Buffer[] } {
  const server = new ChallengeServer(serverOptions);
  const client = new ChallengeClient(clientOptions);
  const wire: Buffer[] = [];
  let toClient = server.start();
  while (toClient.length > 0) {
    wire.push(...toClient);
    const toServer = toClient.flatMap((f) => client.receive(f));
    wire.push(...toServer);
    toClient = toServer.flatMap((f) => server.receive(f));
  }
  return { server, client, wire };
}

/** A random source that repeats the same bytes, as a broken or replaying peer would. */
const stuck = (byte: number) => (size: number): Uint8Array => new Uint8Array(size).fill(byte);

describe('challenge–response handshake (state machines)', () => {
  it('authenticates both sides without the secret crossing the wire', () => {
    const { server, client, wire } = exchange({ secret: SECRET }, { identity: 'producer', secret: SECRET });
    expect(server.state).toBe('accepted');
    expect(server.identity).toBe('producer');
    expect(client.state).toBe('accepted');
    expect(wire.map((f) => decodeMessage(f)?.type)).toEqual(['challenge', 'response', 'accept']);
    const all = Buffer.concat(wire);
    expect(all.includes(Buffer.from(SECRET))).toBe(false);
    expect(all.includes(Buffer.from(SECRET.slice(0, 8)))).toBe(false);
  });

  it('refuses a client with the wrong secret (AuthWrongCredentials on both sides)', () => {
    const { server, client } = exchange({ secret: SECRET }, { identity: 'producer', secret: 'not the cluster secret!' });
    expect(server.state).toBe('refused');
    expect(server.error).toBeInstanceOf(AuthWrongCredentials);
    expect(client.state).toBe('refused');
    expect(client.error).toBeInstanceOf(AuthWrongCredentials);
  });

  it('looks up per-identity secrets; unknown identities are wrong credentials', () => {
    const secrets: Record<string, string> = { encoder: 'encoder secret, long enough' };
    const lookup = (id: string): string | null => secrets[id] ?? null;
    expect(exchange({ secret: lookup }, { identity: 'encoder', secret: 'encoder secret, long enough' }).server.state).toBe('accepted');
    const unknown = exchange({ secret: lookup }, { identity: 'stranger', secret: 'encoder secret, long enough' });
    expect(unknown.server.error).toBeInstanceOf(AuthWrongCredentials);
  });

  it('lets the client detect a server that does not know the secret (mutual authentication)', () => {
    const client = new ChallengeClient({ identity: 'eater', secret: SECRET });
    const [response] = client.receive(encodeMessage({ type: 'challenge', version: 1, serverNonce: Buffer.alloc(32, 7) }));
    expect(decodeMessage(response as Buffer)?.type).toBe('response');
    // An impostor that just says "accept" with a made-up proof.
    expect(client.receive(encodeMessage({ type: 'accept', proof: Buffer.alloc(32, 1) }))).toEqual([]);
    expect(client.state).toBe('refused');
    expect(client.error).toBeInstanceOf(ChallengeServerUnverified);
  });

  it('refuses a recorded response replayed on a new connection', () => {
    const first = exchange({ secret: SECRET }, { identity: 'producer', secret: SECRET });
    const recorded = first.wire[1] as Buffer;
    const server = new ChallengeServer({ secret: SECRET });
    server.start(); // a fresh nonce: the old proof does not cover it
    const answer = server.receive(recorded);
    expect(server.error).toBeInstanceOf(AuthWrongCredentials);
    expect(decodeMessage(answer[0] as Buffer)).toEqual({ type: 'reject', reason: 'wrong-credentials' });
  });

  it('refuses reused nonces through a shared NonceCache, even when the proof would verify', () => {
    const clock = new Clock();
    // A server whose random source is stuck reissues the same challenge: the replayed response
    // would verify, and only the nonce cache stops it.
    const serverNonces = new NonceCache({ clock });
    const one = exchange({ secret: SECRET, randomBytes: stuck(5) }, { identity: 'p', secret: SECRET });
    const replay = new ChallengeServer({ secret: SECRET, randomBytes: stuck(5) });
    replay.start();
    expect(replay.receive(one.wire[1] as Buffer)).toHaveLength(1);
    expect(replay.state).toBe('accepted'); // without a cache: accepted (this is why the cache exists)
    const guarded = new ChallengeServer({ secret: SECRET, randomBytes: stuck(5), nonces: serverNonces });
    guarded.start();
    expect(guarded.state).toBe('challenged');
    const again = new ChallengeServer({ secret: SECRET, randomBytes: stuck(5), nonces: serverNonces });
    const refused = again.start();
    expect(again.error).toBeInstanceOf(ChallengeReplayed);
    expect(decodeMessage(refused[0] as Buffer)).toEqual({ type: 'reject', reason: 'replayed' });

    // Client nonces: the same client nonce twice (a stuck client, or a replay) is refused.
    const cache = new NonceCache({ clock });
    expect(exchange({ secret: SECRET, nonces: cache }, { identity: 'p', secret: SECRET, randomBytes: stuck(9) }).server.state).toBe('accepted');
    const second = exchange({ secret: SECRET, nonces: cache }, { identity: 'p', secret: SECRET, randomBytes: stuck(9) });
    expect(second.server.error).toBeInstanceOf(ChallengeReplayed);
    expect(second.client.error).toBeInstanceOf(ChallengeReplayed);
  });

  it('lets a client refuse a replayed challenge', () => {
    const nonces = new NonceCache({ clock: new Clock() });
    const challenge = encodeMessage({ type: 'challenge', version: 1, serverNonce: Buffer.alloc(32, 3) });
    expect(new ChallengeClient({ identity: 'p', secret: SECRET, nonces }).receive(challenge)).toHaveLength(1);
    const client = new ChallengeClient({ identity: 'p', secret: SECRET, nonces });
    const out = client.receive(challenge);
    expect(client.error).toBeInstanceOf(ChallengeReplayed);
    expect(decodeMessage(out[0] as Buffer)).toEqual({ type: 'reject', reason: 'replayed' });
  });

  it('refuses a reflected nonce (the client echoing the server nonce)', () => {
    const server = new ChallengeServer({ secret: SECRET, randomBytes: stuck(4) });
    server.start();
    const client = new ChallengeClient({ identity: 'p', secret: SECRET, randomBytes: stuck(4) });
    const [response] = client.receive(encodeMessage({ type: 'challenge', version: 1, serverNonce: Buffer.alloc(32, 4) }));
    server.receive(response as Buffer);
    expect(server.error).toBeInstanceOf(ChallengeReplayed);
  });

  it('turns malformed and out-of-order messages into ChallengeProtocolError, never a throw', () => {
    const server = new ChallengeServer({ secret: SECRET });
    expect(() => server.receive(Buffer.from([2]))).toThrow(ProtocolUsageError);
    server.start();
    expect(() => server.start()).toThrow(ProtocolUsageError);
    server.receive(Buffer.from('garbage'));
    expect(server.error).toBeInstanceOf(ChallengeProtocolError);
    expect(server.receive(Buffer.from('more'))).toEqual([]);
    const s2 = new ChallengeServer({ secret: SECRET });
    s2.start();
    s2.receive(encodeMessage({ type: 'accept', proof: Buffer.alloc(32) }));
    expect(s2.error?.message).toMatch(/unexpected accept/);

    const c1 = new ChallengeClient({ identity: 'p', secret: SECRET });
    c1.receive(encodeMessage({ type: 'accept', proof: Buffer.alloc(32) }));
    expect(c1.error).toBeInstanceOf(ChallengeProtocolError);
    const c2 = new ChallengeClient({ identity: 'p', secret: SECRET });
    c2.receive(encodeMessage({ type: 'challenge', version: 2, serverNonce: Buffer.alloc(32) }));
    expect(c2.error?.message).toMatch(/version 2/);
    const c3 = new ChallengeClient({ identity: 'p', secret: SECRET });
    c3.receive(encodeMessage({ type: 'reject', reason: 'rate-limited' }));
    expect(c3.error).toBeInstanceOf(AuthRateLimited);
    const c4 = new ChallengeClient({ identity: 'p', secret: SECRET });
    c4.receive(encodeMessage({ type: 'reject', reason: 'unexpected' }));
    expect(c4.error).toBeInstanceOf(ChallengeProtocolError);
  });

  it('refuses bad configuration up front', () => {
    expect(() => new ChallengeServer({ secret: 'short' })).toThrow(AuthConfigError);
    expect(() => new ChallengeClient({ identity: '', secret: SECRET })).toThrow(AuthConfigError);
    expect(() => new ChallengeClient({ identity: 'p', secret: 'short' })).toThrow(AuthConfigError);
  });
});
