/**
 * Transport helpers: Node error codes map to the typed reactor errors, addresses are built from
 * sockets, and `dupFd` hands out an independent duplicate.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConnectionLost } from '../../src/errors';
import {
  ConnectError, ConnectionRefusedError, ConnectionReset, ConnectTimeout, DNSLookupError,
} from '../../src/reactor/errors';
import { tcpAddress, unixAddress } from '../../src/reactor/transports/addresses';
import { dupFd } from '../../src/reactor/transports/dup-fd';
import { connectError, lostError } from '../../src/reactor/transports/node-errors';

const err = (code: string): NodeJS.ErrnoException => Object.assign(new Error(code), { code });

describe('node-errors', () => {
  it('maps connect failures', () => {
    expect(connectError(err('ECONNREFUSED'), 'h')).toBeInstanceOf(ConnectionRefusedError);
    expect(connectError(err('ENOENT'), '/p')).toBeInstanceOf(ConnectionRefusedError);
    expect(connectError(err('ETIMEDOUT'), 'h')).toBeInstanceOf(ConnectTimeout);
    const dns = connectError(err('ENOTFOUND'), 'nowhere.invalid');
    expect(dns).toBeInstanceOf(DNSLookupError);
    expect((dns as DNSLookupError).host).toBe('nowhere.invalid');
    const other = connectError(err('EHOSTUNREACH'), 'h');
    expect(other.constructor).toBe(ConnectError);
    expect((other.cause as Error).message).toBe('EHOSTUNREACH');
  });

  it('maps losses of an established connection', () => {
    expect(lostError(err('ECONNRESET'))).toBeInstanceOf(ConnectionReset);
    expect(lostError(err('EPIPE'))).toBeInstanceOf(ConnectionReset);
    const lost = lostError(err('EIO'));
    expect(lost).toBeInstanceOf(ConnectionLost);
    expect(lost).not.toBeInstanceOf(ConnectionReset);
  });
});

describe('addresses', () => {
  it('builds TCP and UNIX addresses', () => {
    expect(tcpAddress('::1', 80)).toEqual({ type: 'TCP', family: 'IPv6', host: '::1', port: 80 });
    expect(tcpAddress('127.0.0.1', 1, 'IPv4').family).toBe('IPv4');
    expect(unixAddress('')).toEqual({ type: 'UNIX', path: null });
  });
});

describe('dupFd', () => {
  it('returns a new fd on the same file that outlives the original', () => {
    const fd = openSync('/dev/null', 'r');
    const dup = dupFd(fd);
    expect(dup).not.toBe(fd);
    closeSync(fd);
    expect(fstatSync(dup).isCharacterDevice()).toBe(true);
    closeSync(dup);
  });
});
