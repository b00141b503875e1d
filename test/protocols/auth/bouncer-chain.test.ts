import { describe, expect, it } from 'vitest';
import { Deferred, fail, succeed } from '../../../src/defer/deferred';
import {
  AuthDenied, AuthExpired, AuthMissingCredentials, AuthUnsupportedKeycard, AuthWrongCredentials, ProtocolUsageError,
} from '../../../src/protocols/errors';
import { AddressBouncer } from '../../../src/protocols/auth/address-bouncer';
import type { AuthResult, Bouncer } from '../../../src/protocols/auth/bouncer';
import { BouncerChain } from '../../../src/protocols/auth/bouncer-chain';
import { AddressKeycard, HmacTokenKeycard, UsernamePasswordKeycard, type Keycard } from '../../../src/protocols/auth/keycards';
import { mintToken } from '../../../src/protocols/auth/token';
import { HmacTokenBouncer } from '../../../src/protocols/auth/token-bouncer';
import { Clock } from '../../../src/testing/clock';
import { failureOf, SECRET, tcp } from './helpers';

/** A bouncer answering from a table, counting calls. */
class Scripted implements Bouncer {
  calls = 0;
  constructor(private readonly answer: (k: Keycard) => Deferred<AuthResult>) {}
  authenticate(k: Keycard): Deferred<AuthResult> {
    this.calls += 1;
    return this.answer(k);
  }
}
const accept = (identity: string, expiresAt: number | null = null): Scripted =>
  new Scripted((keycard) => succeed({ identity, expiresAt, keycard }));
const refuse = (error: Error): Scripted => new Scripted(() => fail(error));
const k = new AddressKeycard({ address: tcp('192.0.2.1') });

describe('BouncerChain', () => {
  it('all: every bouncer must accept; identity from the last, earliest expiry', async () => {
    const a = accept('192.0.2.1', 500);
    const b = accept('alice', 300);
    const c = accept('final');
    const result = await new BouncerChain([a, b, c], 'all').authenticate(k);
    expect(result).toMatchObject({ identity: 'final', expiresAt: 300 });
    expect([a.calls, b.calls, c.calls]).toEqual([1, 1, 1]);
  });

  it('all: the first refusal is the answer and later bouncers are not asked', async () => {
    const later = accept('never');
    const error = await failureOf(new BouncerChain([accept('x'), refuse(new AuthDenied('no')), later]).authenticate(k));
    expect(error).toBeInstanceOf(AuthDenied);
    expect(later.calls).toBe(0);
  });

  it('all: waits for asynchronous answers in order', async () => {
    const pending = new Deferred<AuthResult>();
    const second = accept('second');
    const d = new BouncerChain([new Scripted(() => pending), second]).authenticate(k);
    expect(d.called).toBe(false);
    expect(second.calls).toBe(0);
    pending.callback({ identity: 'first', expiresAt: null, keycard: k });
    expect((await d).identity).toBe('second');
  });

  it('first: skips bouncers that do not judge the keycard; any other refusal is decisive', async () => {
    const unsupported = refuse(new AuthUnsupportedKeycard('not mine'));
    const decider = refuse(new AuthExpired('too late'));
    const after = accept('never');
    expect(await failureOf(new BouncerChain([unsupported, decider, after], 'first').authenticate(k))).toBeInstanceOf(AuthExpired);
    expect(after.calls).toBe(0);
    expect((await new BouncerChain([refuse(new AuthUnsupportedKeycard('x')), accept('b')], 'first').authenticate(k)).identity).toBe('b');
  });

  it('first: with no bouncer able to judge, answers AuthMissingCredentials (send credentials)', async () => {
    const error = await failureOf(new BouncerChain([refuse(new AuthUnsupportedKeycard('a')), refuse(new AuthUnsupportedKeycard('b'))], 'first').authenticate(k));
    expect(error).toBeInstanceOf(AuthMissingCredentials);
    expect((error.cause as Error).message).toBe('b');
  });

  it('turns a bouncer that throws into a failure', async () => {
    const thrower: Bouncer = { authenticate: () => { throw new Error('bug'); } };
    expect((await failureOf(new BouncerChain([thrower]).authenticate(k))).message).toBe('bug');
    expect((await failureOf(new BouncerChain([thrower], 'first').authenticate(k))).message).toBe('bug');
    expect(() => new BouncerChain([])).toThrow(ProtocolUsageError);
  });

  it('combines real bouncers: address gate, then token or password', async () => {
    const clock = new Clock();
    const gate = new AddressBouncer({ allow: ['192.0.2.0/24'] });
    const credentials = new BouncerChain([new HmacTokenBouncer({ secret: SECRET, clock }),
      accept('password-user') /* stands in for a PasswordFileBouncer */], 'first');
    const chain = new BouncerChain([gate, credentials], 'all');
    const token = mintToken(SECRET, '/live.webm', 60);
    const viaToken = await chain.authenticate(new HmacTokenKeycard({ token, path: '/live.webm', address: tcp('192.0.2.5') }));
    expect(viaToken).toMatchObject({ identity: 'token:/live.webm', expiresAt: 60 });
    const wrongToken = new HmacTokenKeycard({ token: 'bad', path: '/live.webm', address: tcp('192.0.2.5') });
    expect(await failureOf(chain.authenticate(wrongToken))).toBeInstanceOf(AuthWrongCredentials);
    const outsider = new UsernamePasswordKeycard({ username: 'u', password: 'p', address: tcp('198.51.100.1') });
    expect(await failureOf(chain.authenticate(outsider))).toBeInstanceOf(AuthDenied);
    const insider = new UsernamePasswordKeycard({ username: 'u', password: 'p', address: tcp('192.0.2.9') });
    expect((await chain.authenticate(insider)).identity).toBe('password-user');
  });
});
