/**
 * IP addresses and CIDR ranges for IPv4 and IPv6, as 128-bit integers. IPv4 lives in the
 * IPv4-mapped range (`::ffff:0:0/96`), so `10.0.0.0/8` also matches `::ffff:10.1.2.3` as reported
 * by dual-stack sockets, and `::/0` matches every address. Zone ids (`fe80::1%eth0`) are ignored.
 * Tests: test/protocols/auth/cidr.test.ts.
 */
import { AuthConfigError } from '../errors';

/** A parsed range: `bits` leading bits of `value` (both in the 128-bit space). */
export interface CidrRange {
  readonly value: bigint;
  readonly bits: number;
  /** The rule as written. */
  readonly text: string;
}

const MAPPED = 0xffffn << 32n;
const ALL = (1n << 128n) - 1n;

function parseIPv4(text: string): bigint | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const n = Number(part);
    if (n > 255) return null;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6(text: string): bigint | null {
  let head = text;
  let tailV4: bigint | null = null;
  const lastColon = head.lastIndexOf(':');
  if (head.includes('.')) {
    tailV4 = parseIPv4(head.slice(lastColon + 1));
    if (tailV4 === null) return null;
    head = `${head.slice(0, lastColon + 1)}0:0`;
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const left = groupsOf(halves[0] as string);
  const right = halves.length === 2 ? groupsOf(halves[1] as string) : [];
  if (left === null || right === null) return null;
  const missing = 8 - left.length - right.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const groups = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  if (tailV4 !== null) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** An IP address as a 128-bit integer (IPv4 mapped into `::ffff:0:0/96`), or null if it is not one. */
export function parseIp(text: string): bigint | null {
  const bare = text.replace(/%[^%]*$/, '');
  if (!bare.includes(':')) {
    const v4 = parseIPv4(bare);
    return v4 === null ? null : MAPPED | v4;
  }
  return parseIPv6(bare.startsWith('[') && bare.endsWith(']') ? bare.slice(1, -1) : bare);
}

/** Parses `a.b.c.d/n`, `x:y::z/n` or a bare address; throws `AuthConfigError`. */
export function parseCidr(text: string): CidrRange {
  const slash = text.indexOf('/');
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const value = parseIp(addressText.trim());
  if (value === null) throw new AuthConfigError(`not an IP address or CIDR range: ${JSON.stringify(text)}`);
  const v4 = !addressText.includes(':');
  const max = v4 ? 32 : 128;
  let prefix = max;
  if (slash !== -1) {
    const bitsText = text.slice(slash + 1).trim();
    if (!/^[0-9]{1,3}$/.test(bitsText) || Number(bitsText) > max) {
      throw new AuthConfigError(`bad prefix length in ${JSON.stringify(text)} (0..${max})`);
    }
    prefix = Number(bitsText);
  }
  const bits = v4 ? 96 + prefix : prefix;
  return { value: value & maskOf(bits), bits, text };
}

function maskOf(bits: number): bigint {
  return bits === 0 ? 0n : (ALL << BigInt(128 - bits)) & ALL;
}

/** The address with only its first `bits` bits kept. */
export function truncateIp(value: bigint, bits: number): bigint {
  return value & maskOf(bits);
}

/** True when `value` is an IPv4 address (in the mapped range). */
export function isIPv4(value: bigint): boolean {
  return value >> 32n === 0xffffn;
}

/** A list of ranges. */
export class CidrList {
  readonly ranges: readonly CidrRange[];

  constructor(rules: readonly string[]) {
    this.ranges = rules.map(parseCidr);
  }

  /** The first range containing `address` (text or parsed), or null; null too for a non-IP. */
  match(address: string | bigint): CidrRange | null {
    const value = typeof address === 'bigint' ? address : parseIp(address);
    if (value === null) return null;
    return this.ranges.find((r) => (value & maskOf(r.bits)) === r.value) ?? null;
  }
}
