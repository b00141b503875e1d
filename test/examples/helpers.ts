/** Starts an example server (the stream server unless told) as a child process and reads the URLs it prints. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface ExampleServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly base: string;
  /** The token printed for the status page (covers every path). */
  readonly token: string;
  output(): string;
  /** SIGTERM, then the exit code (or 'hung' after `timeoutMs`). */
  stop(timeoutMs?: number): Promise<number | null | 'hung'>;
}

export function startExampleServer(env: Record<string, string> = {}, timeoutMs = 60_000, script = 'examples/stream-server/main.ts'): Promise<ExampleServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: '0', TORSION_SECRET: 'example-test-secret-0123456789', TORSION_LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  let err = '';
  child.stderr?.on('data', (c: Buffer) => { err += c.toString(); });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start:\n${out}\n${err}`)); }, timeoutMs);
    const onEarlyExit = (code: number | null): void => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${out}\n${err}`)); };
    child.on('exit', onEarlyExit);
    child.stdout?.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /\(pid (\d+)\) listening on (\S+)[\s\S]*status page: \S+\/\?token=(\S+)/.exec(out);
      if (m === null) return;
      clearTimeout(timer);
      child.removeListener('exit', onEarlyExit);
      resolve({
        child, pid: Number(m[1]), base: m[2] as string, token: m[3] as string,
        output: () => `${out}\n${err}`,
        stop: (ms = 20_000) => {
          if (child.exitCode === null) child.kill('SIGTERM');
          return Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => { child.kill('SIGKILL'); r('hung'); }, ms))]);
        },
      });
    });
  });
}

/** Resolves with the first match of `pattern` in what `stream` prints; rejects after `timeoutMs`. */
export function waitForOutput(stream: NodeJS.ReadableStream, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}; got:\n${text}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      text += chunk.toString();
      const m = text.match(pattern);
      if (m) { clearTimeout(timer); stream.removeListener('data', onData); resolve(m); }
    };
    stream.on('data', onData);
  });
}

