/**
 * Tests for src/defer/unhandled.ts: unhandled-failure reports on garbage collection (in a child
 * process run with --expose-gc, waiting on its output, never sleeping), the token held while a
 * failure is unhandled, debug mode, and logError.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs } from '../../src/log';
import { reportUnhandled } from '../../src/defer/unhandled';
import { AlreadyCalledError, Deferred, Failure, fail, getDebugging, logError, setDebugging, succeed } from 'torsion/defer';

const child = fileURLToPath(new URL('./fixtures/unhandled-child.ts', import.meta.url));

interface ChildRun {
  records: Array<{ level: string; msg: string; failure?: { message: string; stack?: string }; debug?: string }>;
  summary: { reports: number; turns: number };
}

/** Run the child in `mode`; resolve with its stderr JSON records and stdout summary. */
function runChild(mode: string, timeoutMs = 20_000): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', child, mode], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: { ...process.env, TORSION_LOG_LEVEL: 'debug' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    proc.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    proc.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    // A guard against a hung child, not a wait: the test proceeds as soon as the child exits.
    const guard = setTimeout(() => {
      proc.kill();
      reject(new Error(`child timed out; stderr: ${err}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(guard);
      if (code !== 0) {
        reject(new Error(`child exited with ${String(code)}: ${err}`));
        return;
      }
      const records = err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as ChildRun['records'][number]);
      const last = out.trim().split('\n').pop() ?? '{}';
      resolve({ records, summary: JSON.parse(last) as ChildRun['summary'] });
    });
  });
}

afterEach(() => {
  setDebugging(false);
});

describe('unhandled failures at garbage collection', () => {
  it('[D26] reports "Unhandled error in Deferred:" with the failure, for plain and self-referencing Deferreds', async () => {
    const { records, summary } = await runChild('unhandled');
    expect(summary.reports).toBe(2);
    const messages = records.filter((r) => r.msg === 'Unhandled error in Deferred:').map((r) => r.failure?.message).sort();
    expect(messages).toEqual(['cycle-unhandled', 'plain-unhandled']);
    for (const r of records) {
      expect(r.level).toBe('error');
      expect(r.failure?.stack).toContain('unhandled-child.ts');
    }
  });

  it('[D28] failures handled by an errback, by chaining to another Deferred or by await are not reported', async () => {
    const { records, summary } = await runChild('handled');
    expect(summary.reports).toBe(0);
    expect(records).toEqual([]);
  });

  it('[D27] in debug mode the report carries the creation and invocation stacks', async () => {
    const { records } = await runChild('debug');
    expect(records).toHaveLength(1);
    const [r] = records;
    expect(r?.failure?.message).toBe('debug-unhandled');
    expect(r?.debug).toMatch(/^ C: Deferred was created:\n C:/);
    expect(r?.debug).toContain(' I: First Invoker was:\n I:');
    expect(r?.debug).toContain('debugMode');
  });

  it('[D27] the report names the failure as a field, not in the message', () => {
    const logs = captureLogs();
    try {
      const failure = new Failure(new Error('direct'));
      reportUnhandled({ failure, debug: null });
      expect(logs.records).toEqual([{ level: 'error', message: 'Unhandled error in Deferred:', fields: { failure } }]);
    } finally {
      logs.restore();
    }
  });
});

describe('the unhandled-failure token', () => {
  it('is held while the result is a Failure and dropped once handled', () => {
    const d = new Deferred<number>();
    expect(d._failToken).toBeNull();
    d.errback(new Error('x'));
    const token = d._failToken;
    expect(token).not.toBeNull();
    d.addCallback((x) => x); // failure passes through: same token, still held
    expect(d._failToken).toBe(token);
    d.addErrback(() => 1);
    expect(d._failToken).toBeNull();
    d.addCallback(() => {
      throw new Error('again');
    });
    expect(d._failToken).not.toBeNull();
    expect(d._failToken?.held.failure.getErrorMessage()).toBe('again');
    d.addErrback(() => undefined);
    expect(d._failToken).toBeNull();
  });

  it('is not taken for successes', () => {
    expect(succeed(1)._failToken).toBeNull();
  });
});

describe('debug mode', () => {
  it('[D23] can be switched on and off', () => {
    expect(getDebugging()).toBe(false);
    setDebugging(true);
    expect(getDebugging()).toBe(true);
    expect(new Deferred()._debugInfo?.creator).toBeTypeOf('string');
    setDebugging(false);
    expect(new Deferred()._debugInfo).toBeNull();
  });

  function createdHere(): Deferred<number> {
    return new Deferred<number>();
  }
  function firstInvoker(d: Deferred<number>): void {
    d.callback(1);
  }
  function secondInvoker(d: Deferred<number>): void {
    d.errback(new Error('second'));
  }

  it('[D22] AlreadyCalledError carries the creator and the first invoker stacks only', () => {
    setDebugging(true);
    const d = createdHere();
    firstInvoker(d);
    let message = '';
    try {
      secondInvoker(d);
    } catch (error) {
      expect(error).toBeInstanceOf(AlreadyCalledError);
      message = (error as Error).message;
    }
    expect(message).toContain(' C: Deferred was created:');
    expect(message).toContain('createdHere');
    expect(message).toContain(' I: First Invoker was:');
    expect(message).toContain('firstInvoker');
    expect(message).not.toContain('secondInvoker');
  });

  it('[D22] for errback-then-callback too, and [D23] without debug mode the message is plain', () => {
    setDebugging(true);
    const d = createdHere();
    d.errback(new Error('first'));
    d.addErrback(() => 0);
    expect(() => firstInvoker(d)).toThrow(/ I: First Invoker was:/);
    setDebugging(false);
    const plain = createdHere();
    firstInvoker(plain);
    expect(() => firstInvoker(plain)).toThrow(/^Deferred has already been called\.$/);
  });

  it('[D24] JS has no frame locals to capture: debug mode records stacks only (documented analogue)', () => {
    setDebugging(true);
    const d = fail(new Error('x'));
    expect(Object.keys(d._debugInfo ?? {}).sort()).toEqual(['creator', 'invoker']);
    d.addErrback(() => undefined);
  });
});

describe('logError', () => {
  it('[D29] logs the failure and returns it', () => {
    const logs = captureLogs();
    try {
      const f = new Failure(new Error('logged'));
      expect(logError(f)).toBe(f);
      expect(logs.records).toEqual([{ level: 'error', message: 'Unhandled error', fields: { failure: f } }]);
      const d = fail(new Error('chain')).addErrback(logError).addErrback(() => 'handled');
      expect(d.result).toBe('handled');
      expect(logs.records).toHaveLength(2);
    } finally {
      logs.restore();
    }
  });
});
