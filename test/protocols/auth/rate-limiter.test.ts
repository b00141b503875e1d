import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthConfigError, AuthRateLimited, AuthUnsupportedKeycard, AuthWrongCredentials } from '../../../src/protocols/errors';
import { fail } from '../../../src/defer/deferred';
import { HmacTokenKeycard, UsernamePasswordKeycard } from '../../../src/protocols/auth/keycards';
import { hashPassword } from '../../../src/protocols/auth/password-file';
import { PasswordFileBouncer } from '../../../src/protocols/auth/password-file-bouncer';
import { FailureRateLimiter, RateLimitedBouncer } from '../../../src/protocols/auth/rate-limiter';
import { Clock } from '../../../src/testing/clock';
import { failureOf, tcp, tempDir, TEST_SCRYPT } from './helpers';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => { tmp = tempDir(); });
afterEach(() => tmp.remove());

describe('FailureRateLimiter', () => {
  it('allows a burst of failures, then limits until tokens refill on the clock', () => {
    const clock = new Clock();
    const limiter = new FailureRateLimiter({ clock, burst: 3, refillPerSecond: 0.5 });
    const a = tcp('192.0.2.1');
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter(a)).toBe(0);
      limiter.recordFailure(a);
    }
    expect(limiter.retryAfter(a)).toBeCloseTo(2, 9);
    clock.advance(1.5);
    expect(limiter.retryAfter(a)).toBeCloseTo(0.5, 9);
    clock.advance(0.5);
    expect(limiter.retryAfter(a)).toBe(0);
    limiter.recordFailure(a);
    expect(limiter.retryAfter(a)).toBeCloseTo(2, 9);
    clock.advance(100); // refilled completely: forgotten
    expect(limiter.retryAfter(a)).toBe(0);
    expect(limiter.size).toBe(0);
  });

  it('groups IPv6 addresses by /64 and keeps IPv4 addresses apart', () => {
    const limiter = new FailureRateLimiter({ clock: new Clock(), burst: 1 });
    limiter.recordFailure(tcp('2001:db8:1:2::1'));
    expect(limiter.retryAfter(tcp('2001:db8:1:2:ffff::9'))).toBeGreaterThan(0);
    expect(limiter.retryAfter(tcp('2001:db8:1:3::1'))).toBe(0);
    limiter.recordFailure(tcp('192.0.2.1'));
    expect(limiter.retryAfter(tcp('192.0.2.2'))).toBe(0);
    expect(limiter.keyOf(tcp('::ffff:192.0.2.1'))).toBe('::ffff:192.0.2.1');
    expect(new FailureRateLimiter({ clock: new Clock(), ipv6PrefixBits: 128 }).keyOf(tcp('2001:db8::1'))).toBe('2001:db8::1');
    expect(limiter.keyOf({ type: 'UNIX', path: '/s' })).toBe('unix:/s');
    expect(() => new FailureRateLimiter({ clock: new Clock(), burst: 0 })).toThrow(AuthConfigError);
  });

  it('keeps memory bounded under a flood from many addresses', () => {
    const clock = new Clock();
    const limiter = new FailureRateLimiter({ clock, maxEntries: 1000, burst: 2 });
    let largest = 0;
    for (let i = 0; i < 100_000; i++) {
      limiter.recordFailure(tcp(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
      largest = Math.max(largest, limiter.size);
    }
    expect(largest).toBe(1000);
    // The most recent offenders are still remembered.
    limiter.recordFailure(tcp('10.1.134.159'));
    expect(limiter.retryAfter(tcp('10.1.134.159'))).toBeGreaterThan(0);
    limiter.clear();
    expect(limiter.size).toBe(0);
  });
});

describe('RateLimitedBouncer', () => {
  it('rate-limits 1,000 failed attempts from one address while other addresses still get in', async () => {
    const file = tmp.path('users');
    writeFileSync(file, `alice:${await hashPassword('right', { params: TEST_SCRYPT })}\n`);
    const clock = new Clock();
    const limiter = new FailureRateLimiter({ clock, burst: 10, refillPerSecond: 0.1 });
    const bouncer = new RateLimitedBouncer(new PasswordFileBouncer(file), limiter);
    const attacker = tcp('203.0.113.66');
    const answers: Error[] = [];
    for (let i = 0; i < 1000; i++) {
      answers.push(await failureOf(bouncer.authenticate(new UsernamePasswordKeycard({ username: 'alice', password: `guess${i}`, address: attacker }))));
    }
    expect(answers.slice(0, 10).every((e) => e instanceof AuthWrongCredentials)).toBe(true);
    const limited = answers.slice(10);
    expect(limited.every((e) => e instanceof AuthRateLimited)).toBe(true);
    expect((limited[0] as AuthRateLimited).status).toBe(429);
    expect((limited[0] as AuthRateLimited).retryAfter).toBe(10);
    // Even the right password is refused from the attacker's address while limited...
    expect(await failureOf(bouncer.authenticate(new UsernamePasswordKeycard({ username: 'alice', password: 'right', address: attacker }))))
      .toBeInstanceOf(AuthRateLimited);
    // ...but another address is let in.
    const other = await bouncer.authenticate(new UsernamePasswordKeycard({ username: 'alice', password: 'right', address: tcp('198.51.100.7') }));
    expect(other.identity).toBe('alice');
    expect(limiter.size).toBe(1);
    // Ten seconds later the attacker has one more try.
    clock.advance(10);
    expect(await failureOf(bouncer.authenticate(new UsernamePasswordKeycard({ username: 'alice', password: 'x', address: attacker }))))
      .toBeInstanceOf(AuthWrongCredentials);
    expect(await failureOf(bouncer.authenticate(new UsernamePasswordKeycard({ username: 'alice', password: 'y', address: attacker }))))
      .toBeInstanceOf(AuthRateLimited);
  });

  it('does not count keycards the inner bouncer does not judge', async () => {
    const limiter = new FailureRateLimiter({ clock: new Clock(), burst: 1 });
    const bouncer = new RateLimitedBouncer({ authenticate: () => fail(new AuthUnsupportedKeycard('no')) }, limiter);
    for (let i = 0; i < 5; i++) {
      expect(await failureOf(bouncer.authenticate(new HmacTokenKeycard({ token: 't', path: '/', address: tcp('192.0.2.1') }))))
        .toBeInstanceOf(AuthUnsupportedKeycard);
    }
    expect(limiter.size).toBe(0);
    const thrower = new RateLimitedBouncer({ authenticate: () => { throw new Error('bug'); } }, limiter);
    expect((await failureOf(thrower.authenticate(new HmacTokenKeycard({ token: 't', path: '/', address: null })))).message).toBe('bug');
  });
});
