/**
 * Keycards (Flumotion's model): what a client presents to a bouncer. Each carries the peer address
 * it came from (null when unknown), so address rules and rate limits apply to every kind.
 * Passwords and tokens are left out of `toJSON()`, so logging a keycard never leaks a secret.
 * Tests: test/protocols/auth/keycards.test.ts.
 */
import type { Address } from '../../reactor/interfaces/address';

/** A user name and password (HTTP Basic, a login prompt). */
export class UsernamePasswordKeycard {
  readonly kind = 'username-password' as const;
  readonly username: string;
  readonly password: string;
  readonly address: Address | null;

  constructor(options: { readonly username: string; readonly password: string; readonly address?: Address | null }) {
    this.username = options.username;
    this.password = options.password;
    this.address = options.address ?? null;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, username: this.username, address: this.address };
  }
}

/** An HMAC token (e.g. `?token=` on a URL) and the path it is presented for. */
export class HmacTokenKeycard {
  readonly kind = 'hmac-token' as const;
  readonly token: string;
  /** The path requested (without the query string). */
  readonly path: string;
  readonly address: Address | null;

  constructor(options: { readonly token: string; readonly path: string; readonly address?: Address | null }) {
    this.token = options.token;
    this.path = options.path;
    this.address = options.address ?? null;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, path: this.path, address: this.address };
  }
}

/** Nothing but the client address (for address-only policies). */
export class AddressKeycard {
  readonly kind = 'address' as const;
  readonly address: Address | null;

  constructor(options: { readonly address: Address | null }) {
    this.address = options.address;
  }

  toJSON(): Record<string, unknown> {
    return { kind: this.kind, address: this.address };
  }
}

/** Every keycard kind; switch on `kind`. */
export type Keycard = UsernamePasswordKeycard | HmacTokenKeycard | AddressKeycard;
