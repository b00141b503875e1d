import { describe, expect, it } from 'vitest';
import { AuthConfigError, AuthDenied } from '../../../src/protocols/errors';
import { AddressBouncer } from '../../../src/protocols/auth/address-bouncer';
import { AddressKeycard, UsernamePasswordKeycard } from '../../../src/protocols/auth/keycards';
import type { Address } from '../../../src/reactor/interfaces/address';
import { failureOf, tcp } from './helpers';

const at = (address: Address | null): AddressKeycard => new AddressKeycard({ address });

describe('AddressBouncer', () => {
  it('lets in what the allow list covers, unless denied', async () => {
    const b = new AddressBouncer({ allow: ['10.0.0.0/8', '2001:db8::/32'], deny: ['10.6.6.0/24'] });
    expect((await b.authenticate(at(tcp('10.1.1.1')))).identity).toBe('10.1.1.1');
    expect((await b.authenticate(at(tcp('2001:db8::77')))).identity).toBe('2001:db8::77');
    const denied = await failureOf(b.authenticate(at(tcp('10.6.6.6'))));
    expect(denied).toBeInstanceOf(AuthDenied);
    expect(denied.message).toMatch(/denied by 10\.6\.6\.0\/24/);
    expect((denied as AuthDenied).status).toBe(403);
    expect((await failureOf(b.authenticate(at(tcp('192.0.2.1'))))).message).toMatch(/not on the allow list/);
  });

  it('with only a deny list lets everyone else in, and judges any keycard kind', async () => {
    const b = new AddressBouncer({ deny: ['::ffff:203.0.113.0/120', '2001:db8:bad::/48'] });
    expect(await failureOf(b.authenticate(at(tcp('203.0.113.5'))))).toBeInstanceOf(AuthDenied);
    expect(await failureOf(b.authenticate(at(tcp('2001:db8:bad:1::1'))))).toBeInstanceOf(AuthDenied);
    const up = new UsernamePasswordKeycard({ username: 'u', password: 'p', address: tcp('198.51.100.1') });
    expect((await b.authenticate(up)).identity).toBe('198.51.100.1');
  });

  it('handles unix peers, unknown addresses and non-IP hosts', async () => {
    const open = new AddressBouncer({ allow: ['127.0.0.1'] });
    expect((await open.authenticate(at({ type: 'UNIX', path: '/run/s' }))).identity).toBe('unix:/run/s');
    const closed = new AddressBouncer({ allowUnix: false });
    expect(await failureOf(closed.authenticate(at({ type: 'UNIX', path: null })))).toBeInstanceOf(AuthDenied);
    expect(await failureOf(open.authenticate(at(null)))).toBeInstanceOf(AuthDenied);
    expect(await failureOf(open.authenticate(at({ type: 'PROCESS' })))).toBeInstanceOf(AuthDenied);
    expect(await failureOf(closed.authenticate(at(tcp('example.org'))))).toBeInstanceOf(AuthDenied);
  });

  it('refuses malformed rules at construction', () => {
    expect(() => new AddressBouncer({ allow: ['10.0.0.0/99'] })).toThrow(AuthConfigError);
  });
});
