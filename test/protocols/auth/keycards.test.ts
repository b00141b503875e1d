import { describe, expect, it } from 'vitest';
import { AddressKeycard, HmacTokenKeycard, UsernamePasswordKeycard } from '../../../src/protocols/auth/keycards';
import { addressKey } from '../../../src/protocols/auth/bouncer';
import { constantTimeEqual } from '../../../src/protocols/auth/constant-time';
import { tcp } from './helpers';

describe('keycards', () => {
  it('carry the peer address and never serialise a password or token', () => {
    const up = new UsernamePasswordKeycard({ username: 'alice', password: 'hunter2', address: tcp('192.0.2.1') });
    const tk = new HmacTokenKeycard({ token: 'secret-token', path: '/live.webm', address: tcp('::1') });
    const ad = new AddressKeycard({ address: null });
    expect(JSON.stringify(up)).not.toContain('hunter2');
    expect(JSON.stringify(up)).toContain('alice');
    expect(JSON.stringify(tk)).not.toContain('secret-token');
    expect(JSON.stringify(tk)).toContain('/live.webm');
    expect(up.address).toEqual(tcp('192.0.2.1'));
    expect(new UsernamePasswordKeycard({ username: 'a', password: 'b' }).address).toBeNull();
    expect([up.kind, tk.kind, ad.kind]).toEqual(['username-password', 'hmac-token', 'address']);
  });

  it('key addresses for per-client state', () => {
    expect(addressKey(tcp('192.0.2.1'))).toBe('192.0.2.1');
    expect(addressKey({ type: 'UNIX', path: '/run/x.sock' })).toBe('unix:/run/x.sock');
    expect(addressKey({ type: 'UNIX', path: null })).toBe('unix:');
    expect(addressKey({ type: 'PROCESS' })).toBe('process');
    expect(addressKey(null)).toBe('unknown');
  });
});

describe('constantTimeEqual', () => {
  it('compares bytes, and answers false for different lengths', () => {
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(constantTimeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
