import { describe, expect, it } from 'vitest';
import { Failure } from '../../src/defer/failure';
import { ProcessDone } from '../../src/reactor/errors';
import { ProcessProtocol } from '../../src/protocols/process-protocol';
import { StringProcessTransport } from '../../src/testing/string-process-transport';

describe('ProcessProtocol', () => {
  it('dispatches child fds to the out/err hooks and pipe closes to the connection-lost hooks', () => {
    const events: string[] = [];
    class Recorder extends ProcessProtocol {
      override connectionMade(): void { events.push('made'); }
      override outReceived(d: Uint8Array): void { events.push(`out:${Buffer.from(d).toString()}`); }
      override errReceived(d: Uint8Array): void { events.push(`err:${Buffer.from(d).toString()}`); }
      override inConnectionLost(): void { events.push('in-lost'); }
      override outConnectionLost(): void { events.push('out-lost'); }
      override errConnectionLost(): void { events.push('err-lost'); }
      override processExited(r: Failure): void { events.push(`exited:${r.value.name}`); }
      override processEnded(r: Failure): void { events.push(`ended:${r.value.name}`); }
    }
    const p = new Recorder();
    const t = new StringProcessTransport();
    p.makeConnection(t);
    expect(p.transport).toBe(t);
    p.childDataReceived(1, Buffer.from('a'));
    p.childDataReceived(2, Buffer.from('b'));
    p.childDataReceived(3, Buffer.from('ignored'));
    for (const fd of [0, 1, 2, 3]) p.childConnectionLost(fd);
    p.processExited(new Failure(new ProcessDone()));
    p.processEnded(new Failure(new ProcessDone()));
    expect(events).toEqual(['made', 'out:a', 'err:b', 'in-lost', 'out-lost', 'err-lost', 'exited:ProcessDone', 'ended:ProcessDone']);
  });

  it('has hooks that do nothing by default', () => {
    const p = new ProcessProtocol();
    p.makeConnection(new StringProcessTransport());
    p.childDataReceived(1, Buffer.from('x'));
    p.childConnectionLost(0);
    p.processEnded(new Failure(new ProcessDone()));
    expect(p.transport).not.toBeNull();
  });
});
