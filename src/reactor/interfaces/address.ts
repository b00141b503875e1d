/**
 * Endpoint addresses returned by `getHost()`/`getPeer()` and passed to `Factory.buildProtocol`
 * (Twisted's `IPv4Address`, `UNIXAddress`). Plain data: compare fields, not identity.
 * Tests: test/conformance/tcp.ts, test/conformance/unix.ts.
 */

/** A TCP endpoint (also used for TLS over TCP). */
export interface TCPAddress {
  readonly type: 'TCP';
  readonly family: 'IPv4' | 'IPv6';
  readonly host: string;
  readonly port: number;
}

/** A unix-domain stream socket endpoint; `path` is null for an unnamed peer. */
export interface UNIXAddress {
  readonly type: 'UNIX';
  readonly path: string | null;
}

/** A child process's end of a pipe (Twisted's `_ProcessAddress`). */
export interface ProcessAddress {
  readonly type: 'PROCESS';
}

/** Any address a transport can report. */
export type Address = TCPAddress | UNIXAddress | ProcessAddress;
