/**
 * Conformance: child processes (Twisted's `ProcessTestsBuilder`) — stdout/stderr/extra fds reach
 * `childDataReceived`, stdin writes reach the child, exit codes give `ProcessDone`/
 * `ProcessTerminated`, signals are reported, `processEnded` follows every `childConnectionLost`,
 * a spawn failure is a `ProcessTerminated` with the cause, signalling an exited process is an error.
 */
import { describe, expect, it } from 'vitest';
import { Deferred } from '../../src/defer/deferred';
import type { Failure } from '../../src/defer/failure';
import { ProcessDone, ProcessExitedAlready, ProcessTerminated } from '../../src/reactor/errors';
import type { ProcessProtocol } from '../../src/reactor/interfaces/protocol';
import type { ProcessTransport } from '../../src/reactor/interfaces/transport';
import { runReactor, type FullReactorBuilder } from './helpers';

class RecordingProcess implements ProcessProtocol {
  transport: ProcessTransport | null = null;
  readonly data = new Map<number, string>();
  readonly events: string[] = [];
  exited: Error | null = null;
  readonly ended = new Deferred<Error>();
  onData: ((fd: number, text: string) => void) | null = null;

  makeConnection(transport: ProcessTransport): void {
    this.transport = transport;
  }
  childDataReceived(childFD: number, data: Uint8Array): void {
    const text = Buffer.from(data).toString();
    this.data.set(childFD, (this.data.get(childFD) ?? '') + text);
    this.onData?.(childFD, text);
  }
  childConnectionLost(childFD: number): void {
    this.events.push(`lost ${childFD}`);
  }
  processExited(reason: Failure): void {
    this.exited = reason.value;
    this.events.push('exited');
  }
  processEnded(reason: Failure): void {
    this.events.push('ended');
    this.ended.callback(reason.value);
  }
}

export function processSuite(builder: FullReactorBuilder): void {
  describe(`${builder.name}: processes`, () => {
    it('pipes stdin/stdout/stderr and reports a non-zero exit code', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const p = new RecordingProcess();
        const t = reactor.spawnProcess(p, '/bin/sh', ['sh', '-c', 'echo out; echo err >&2; read x; echo "got $x"; exit 3']);
        expect(t.pid).toBeGreaterThan(0);
        t.write('hi\n');
        const reason = await p.ended;
        expect(reason).toBeInstanceOf(ProcessTerminated);
        expect((reason as ProcessTerminated).exitCode).toBe(3);
        expect(p.exited).toBeInstanceOf(ProcessTerminated);
        expect(p.data.get(1)).toBe('out\ngot hi\n');
        expect(p.data.get(2)).toBe('err\n');
        expect(p.events.at(-1)).toBe('ended');
        expect(p.events.filter((e) => e.startsWith('lost')).sort()).toEqual(['lost 0', 'lost 1', 'lost 2']);
        expect(t.pid).toBeNull();
        expect(() => t.signalProcess('TERM')).toThrow(ProcessExitedAlready);
      });
    });

    it('exit 0 is ProcessDone; argv[0], env and path are passed; extra child fds work', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const p = new RecordingProcess();
        reactor.spawnProcess(p, '/bin/sh', ['my-shell', '-c', 'echo "$0 $FOO $(pwd)"; echo three >&3'],
          { env: { FOO: 'bar', PATH: '/usr/bin:/bin' }, path: '/tmp', childFDs: { 0: 'w', 1: 'r', 2: 'r', 3: 'r' } });
        const reason = await p.ended;
        expect(reason).toBeInstanceOf(ProcessDone);
        expect(p.data.get(1)).toBe('my-shell bar /tmp\n');
        expect(p.data.get(3)).toBe('three\n');
      });
    });

    it('reports a signal, and a spawn failure with its cause', async () => {
      await runReactor(builder, builder.build(), async (reactor) => {
        const p = new RecordingProcess();
        const t = reactor.spawnProcess(p, '/bin/sh', ['sh', '-c', 'echo ready; exec sleep 30']);
        p.onData = (fd, text) => {
          if (fd === 1 && text.includes('ready')) t.signalProcess('TERM');
        };
        const reason = await p.ended;
        expect(reason).toBeInstanceOf(ProcessTerminated);
        expect((reason as ProcessTerminated).signal).toBe('SIGTERM');
        const missing = new RecordingProcess();
        reactor.spawnProcess(missing, '/nonexistent/program', ['program']);
        const failure = await missing.ended;
        expect(failure).toBeInstanceOf(ProcessTerminated);
        expect(((failure as ProcessTerminated).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
      });
    });
  });
}
