import { describe, expect, it } from 'vitest';
import { AuthConfigError } from '../../../src/protocols/errors';
import { CidrList, isIPv4, parseCidr, parseIp, truncateIp } from '../../../src/protocols/auth/cidr';

describe('IP parsing', () => {
  it('parses IPv4 into the mapped range and IPv6 in all its spellings', () => {
    expect(parseIp('10.1.2.3')).toBe(0xffff0a010203n);
    expect(parseIp('::ffff:10.1.2.3')).toBe(0xffff0a010203n);
    expect(parseIp('::ffff:a01:203')).toBe(0xffff0a010203n);
    expect(parseIp('::1')).toBe(1n);
    expect(parseIp('::')).toBe(0n);
    expect(parseIp('2001:db8::1')).toBe(0x20010db8000000000000000000000001n);
    expect(parseIp('2001:DB8:0:0:0:0:0:1')).toBe(parseIp('2001:db8::1'));
    expect(parseIp('fe80::1%eth0')).toBe(parseIp('fe80::1'));
    expect(parseIp('[2001:db8::1]')).toBe(parseIp('2001:db8::1'));
    expect(parseIp('1::')).toBe(1n << 112n);
    expect(isIPv4(parseIp('192.0.2.1') as bigint)).toBe(true);
    expect(isIPv4(parseIp('2001:db8::1') as bigint)).toBe(false);
  });

  it('refuses what is not an address', () => {
    for (const bad of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.x', ':::', '1:2:3:4:5:6:7:8:9',
      '1::2::3', '12345::', 'g::1', ':1', '1:2:3:4:5:6:7::8:9', '::ffff:1.2.3', 'localhost']) {
      expect(parseIp(bad), bad).toBeNull();
    }
    expect(parseIp('1:2:3:4:5:6:7:8')).not.toBeNull();
  });
});

describe('CIDR ranges', () => {
  it('match IPv4 and IPv6 ranges, including IPv4-mapped peers', () => {
    const list = new CidrList(['10.0.0.0/8', '192.0.2.7', '2001:db8:abcd::/48', '::1']);
    expect(list.match('10.200.3.4')?.text).toBe('10.0.0.0/8');
    expect(list.match('::ffff:10.200.3.4')?.text).toBe('10.0.0.0/8');
    expect(list.match('11.0.0.1')).toBeNull();
    expect(list.match('192.0.2.7')?.text).toBe('192.0.2.7');
    expect(list.match('192.0.2.8')).toBeNull();
    expect(list.match('2001:db8:abcd:12::5')?.text).toBe('2001:db8:abcd::/48');
    expect(list.match('2001:db8:abce::5')).toBeNull();
    expect(list.match('::1')?.text).toBe('::1');
    expect(list.match('not an ip')).toBeNull();
    expect(new CidrList(['0.0.0.0/0']).match('::1')).toBeNull(); // IPv4 /0 is all of IPv4 only
    expect(new CidrList(['0.0.0.0/0']).match('203.0.113.9')).not.toBeNull();
    expect(new CidrList(['::/0']).match('203.0.113.9')).not.toBeNull();
  });

  it('normalises host bits and refuses malformed rules', () => {
    expect(parseCidr('10.1.2.3/8').value).toBe(parseCidr('10.0.0.0/8').value);
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/', '10.0.0.0/x', 'nonsense/8', '10.0.0.0/-1']) {
      expect(() => parseCidr(bad), bad).toThrow(AuthConfigError);
    }
    expect(truncateIp(parseIp('2001:db8:1:2:3:4:5:6') as bigint, 64)).toBe(parseIp('2001:db8:1:2::'));
  });
});
