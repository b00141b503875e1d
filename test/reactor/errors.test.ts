/**
 * Reactor errors: the hierarchy the protocols rely on (clean ends are `ConnectionDone`, failures
 * `ConnectionLost`, connect failures `ConnectError`) and the process exit details.
 */
import { describe, expect, it } from 'vitest';
import { ConnectionDone, ConnectionLost, TorsionError } from '../../src/errors';
import {
  CannotListenError, ConnectError, ConnectionAborted, ConnectionDetached, ConnectionRefusedError, ConnectionReset,
  ConnectTimeout, DNSLookupError, ProcessDone, ProcessTerminated,
} from '../../src/reactor/errors';

describe('reactor errors', () => {
  it('places each error in the hierarchy', () => {
    expect(new ConnectionDetached()).toBeInstanceOf(ConnectionDone);
    expect(new ProcessDone()).toBeInstanceOf(ConnectionDone);
    for (const e of [new ConnectionReset(), new ConnectionAborted(), new ProcessTerminated(1, null)]) {
      expect(e).toBeInstanceOf(ConnectionLost);
    }
    for (const e of [new ConnectionRefusedError(), new ConnectTimeout(1), new DNSLookupError('h')]) {
      expect(e).toBeInstanceOf(ConnectError);
      expect(e).toBeInstanceOf(TorsionError);
    }
    expect(new ConnectTimeout(2).seconds).toBe(2);
  });

  it('carries process exit details and causes', () => {
    const code = new ProcessTerminated(3, null);
    expect(code.message).toContain('exit code 3');
    const signal = new ProcessTerminated(null, 'SIGTERM');
    expect(signal.message).toContain('SIGTERM');
    const cause = new Error('ENOENT');
    const failed = new ProcessTerminated(null, null, { cause });
    expect(failed.cause).toBe(cause);
    expect(failed.message).toContain('could not be started');
    expect(new ProcessDone().exitCode).toBe(0);
    expect(new CannotListenError('0.0.0.0:80', { cause: new Error('EACCES') }).message).toContain('EACCES');
  });
});
