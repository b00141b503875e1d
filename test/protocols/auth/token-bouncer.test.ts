import { describe, expect, it } from 'vitest';
import {
  AuthExpired, AuthMissingCredentials, AuthOutOfScope, AuthUnsupportedKeycard, AuthWrongCredentials,
} from '../../../src/protocols/errors';
import { AddressKeycard, HmacTokenKeycard } from '../../../src/protocols/auth/keycards';
import { mintToken } from '../../../src/protocols/auth/token';
import { HmacTokenBouncer } from '../../../src/protocols/auth/token-bouncer';
import { anchoredClock } from '../../../src/protocols/auth/wall-clock';
import { Clock } from '../../../src/testing/clock';
import { failureOf, SECRET, tcp } from './helpers';

const EPOCH = 1_800_000_000;

function setup(): { clock: Clock; bouncer: HmacTokenBouncer } {
  const clock = new Clock();
  clock.advance(123); // the anchor must not depend on the reactor clock starting at zero
  return { clock, bouncer: new HmacTokenBouncer({ secret: SECRET, clock: anchoredClock(clock, EPOCH) }) };
}

const card = (token: string, path: string): HmacTokenKeycard => new HmacTokenKeycard({ token, path, address: tcp('192.0.2.3') });

describe('HmacTokenBouncer', () => {
  it('accepts a genuine token for its path until it expires, then answers AuthExpired (403)', async () => {
    const { clock, bouncer } = setup();
    const token = mintToken(SECRET, '/live.webm', EPOCH + 60);
    const ok = await bouncer.authenticate(card(token, '/live.webm'));
    expect(ok).toMatchObject({ identity: 'token:/live.webm', expiresAt: EPOCH + 60 });
    clock.advance(59.5);
    expect((await bouncer.authenticate(card(token, '/live.webm'))).identity).toBe('token:/live.webm');
    clock.advance(0.5);
    const expired = await failureOf(bouncer.authenticate(card(token, '/live.webm')));
    expect(expired).toBeInstanceOf(AuthExpired);
    expect((expired as AuthExpired).status).toBe(403);
  });

  it('answers AuthOutOfScope (403) for another path, and honours directory scopes', async () => {
    const { bouncer } = setup();
    const one = mintToken(SECRET, '/live.webm', EPOCH + 60);
    const dir = mintToken(SECRET, '/live/', EPOCH + 60);
    const out = await failureOf(bouncer.authenticate(card(one, '/live.ogg')));
    expect(out).toBeInstanceOf(AuthOutOfScope);
    expect((out as AuthOutOfScope).status).toBe(403);
    expect((await bouncer.authenticate(card(dir, '/live/a.ogg'))).identity).toBe('token:/live/');
    expect(await failureOf(bouncer.authenticate(card(dir, '/live/../admin')))).toBeInstanceOf(AuthOutOfScope);
  });

  it('answers 401 errors for missing, malformed and forged tokens (checked before expiry)', async () => {
    const { clock, bouncer } = setup();
    expect(await failureOf(bouncer.authenticate(card('', '/live.webm')))).toBeInstanceOf(AuthMissingCredentials);
    expect(await failureOf(bouncer.authenticate(card('garbage', '/live.webm')))).toBeInstanceOf(AuthWrongCredentials);
    const forged = mintToken('some other secret, 16+ bytes', '/live.webm', EPOCH - 10);
    clock.advance(1000);
    const error = await failureOf(bouncer.authenticate(card(forged, '/live.webm')));
    expect(error).toBeInstanceOf(AuthWrongCredentials); // not AuthExpired: a forgery learns nothing
    expect(await failureOf(bouncer.authenticate(new AddressKeycard({ address: null })))).toBeInstanceOf(AuthUnsupportedKeycard);
  });
});
