/**
 * `AddressBouncer`: allow and deny lists of CIDR ranges (IPv4 and IPv6, see cidr.ts), judged on the
 * address of any keycard. A deny match refuses; otherwise, with a non-empty allow list, only
 * addresses on it pass; with no allow list everything not denied passes. Unix-socket peers pass
 * unless `allowUnix` is false; a keycard without an address is refused. Refusals are `AuthDenied`
 * (403). The accepted identity is the address. Tests: test/protocols/auth/address-bouncer.test.ts.
 */
import { fail, succeed, type Deferred } from '../../defer/deferred';
import { AuthDenied } from '../errors';
import type { AuthResult, Bouncer } from './bouncer';
import { addressKey } from './bouncer';
import { CidrList, parseIp } from './cidr';
import type { Keycard } from './keycards';

/** Options of {@link AddressBouncer}. */
export interface AddressBouncerOptions {
  /** Ranges allowed in (empty or absent: everyone not denied). */
  readonly allow?: readonly string[];
  /** Ranges refused (checked first). */
  readonly deny?: readonly string[];
  /** Let unix-socket peers in (default true). */
  readonly allowUnix?: boolean;
}

export class AddressBouncer implements Bouncer {
  private readonly allow: CidrList;
  private readonly deny: CidrList;
  private readonly allowUnix: boolean;

  /** Throws `AuthConfigError` for a malformed rule. */
  constructor(options: AddressBouncerOptions) {
    this.allow = new CidrList(options.allow ?? []);
    this.deny = new CidrList(options.deny ?? []);
    this.allowUnix = options.allowUnix ?? true;
  }

  authenticate(keycard: Keycard): Deferred<AuthResult> {
    const address = keycard.address;
    if (address === null) return fail(new AuthDenied('the client address is unknown'));
    if (address.type !== 'TCP') {
      return address.type === 'UNIX' && this.allowUnix
        ? succeed({ identity: addressKey(address), expiresAt: null, keycard })
        : fail(new AuthDenied(`${address.type} peers are not allowed`));
    }
    const ip = parseIp(address.host);
    if (ip === null) return fail(new AuthDenied(`not an IP address: ${address.host}`));
    const denied = this.deny.match(ip);
    if (denied !== null) return fail(new AuthDenied(`${address.host} is denied by ${denied.text}`));
    if (this.allow.ranges.length > 0 && this.allow.match(ip) === null) {
      return fail(new AuthDenied(`${address.host} is not on the allow list`));
    }
    return succeed({ identity: address.host, expiresAt: null, keycard });
  }
}
