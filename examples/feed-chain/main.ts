/**
 * The feed-chain example in one command: starts the producer and the streamer as two separate
 * processes sharing a random `FEED_SECRET` (and `TORSION_SECRET` for the viewers' tokens), prints
 * their output, restarts the producer a second after it dies (kill it to watch the streamer
 * reconnect), and stops both on Ctrl-C. `npx tsx examples/feed-chain/main.ts`; see README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url));
const env = {
  ...process.env,
  FEED_SECRET: process.env['FEED_SECRET'] ?? randomBytes(24).toString('base64url'),
  TORSION_SECRET: process.env['TORSION_SECRET'] ?? randomBytes(24).toString('base64url'),
};

function start(name: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', here(`./${name}.ts`)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const relay = (out: NodeJS.WriteStream) => (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n')) if (line !== '') out.write(`[${name}] ${line}\n`);
  };
  child.stdout?.on('data', relay(process.stdout));
  child.stderr?.on('data', relay(process.stderr));
  return child;
}

let stopping = false;
let producer = start('producer');
const streamer = start('streamer');

function watchProducer(child: ChildProcess): void {
  child.on('exit', (code, signal) => {
    if (stopping) return;
    process.stderr.write(`[main] the producer exited (${code ?? signal}); starting a new one in 1 s\n`);
    setTimeout(() => {
      if (stopping) return;
      producer = start('producer');
      watchProducer(producer);
    }, 1000);
  });
}
watchProducer(producer);

const stop = (): void => {
  stopping = true;
  for (const c of [producer, streamer]) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
await new Promise<void>((resolve) => {
  streamer.on('exit', (code, signal) => {
    if (!stopping) process.stderr.write(`[main] the streamer exited (${code ?? signal}); stopping\n`);
    stop();
    resolve();
  });
});
if (producer.exitCode === null && producer.signalCode === null) await new Promise((resolve) => producer.on('exit', resolve));
