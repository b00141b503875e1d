/**
 * Reproduction of the sink-timeout race (docs/security.md, "Slow viewers"): a `torsion serve` with
 * `slowViewers: {policy: drop, lagBytes, timeout}`, one normal viewer and one that stops reading
 * with a small fixed receive buffer. Once the stalled viewer is dropped as slow, the normal one must
 * still be streaming; with the sink's `timeout` > 0, GStreamer 1.22 sometimes drops it too in the
 * same `queue_buffer` (an unsigned `now - last_activity` that wraps). Each run prints when the
 * stalled viewer left and whether the normal one survived; exits 1 if any normal viewer was dropped.
 *
 * Run: npx tsx bench/soak/timeout-race.ts [--runs 5] [--timeout 5] [--lag-bytes 30000]
 */
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { dupFd } from '../../src/gst/fd-util';
import { loadGi } from '../../src/reactor/gi';
import { get, startServe, tempDir, token, writeConfig } from '../../test/reliability/helpers';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i < 0 ? undefined : Number(process.argv[i + 1]);
  return v === undefined || !Number.isFinite(v) ? fallback : v;
}

const RUNS = flag('runs', 5);
const TIMEOUT = flag('timeout', 5);
const LAG_BYTES = flag('lag-bytes', 30_000);

function open(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
    s.write(get(path));
  });
}

async function once(run: number): Promise<boolean> {
  const dir = tempDir('torsion-timeout-race-');
  const { server, port } = await startServe(writeConfig(dir, { slowViewers: { policy: 'drop', lagBytes: LAG_BYTES, timeout: TIMEOUT } }));
  const t = token('/', 3600);
  const sockets: Socket[] = [];
  try {
    const normal = await open(port, `/live.webm?token=${t}`);
    sockets.push(normal);
    normal.on('data', () => undefined);
    await new Promise((r) => setTimeout(r, 2000));
    const stalled = await open(port, `/live.webm?token=${t}`);
    sockets.push(stalled);
    stalled.pause();
    const g = loadGi().Gio.Socket.newFromFd(dupFd((stalled as unknown as { _handle: { fd: number } })._handle.fd));
    g.setOption(1, 8, 16 * 1024); // SOL_SOCKET, SO_RCVBUF
    g.close();
    const started = Date.now();
    const left = (p: number): RegExp => new RegExp(`"msg":"viewer left"[^\\n]*"port":${p}\\}`);
    await server.waitForStderr(left(stalled.localPort as number), 90_000);
    const after = (Date.now() - started) / 1000;
    // Give a wrongly dropped normal viewer's log line a moment to arrive (it follows within ms).
    await new Promise((r) => setTimeout(r, 1000));
    const normalDropped = left(normal.localPort as number).test(server.stderr());
    console.log(JSON.stringify({ run, timeout: TIMEOUT, lagBytes: LAG_BYTES, stalledLeftAfterSeconds: +after.toFixed(1), normalDropped }));
    return !normalDropped;
  } finally {
    for (const s of sockets) s.destroy();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

let healthy = 0;
for (let run = 0; run < RUNS; run++) if (await once(run)) healthy += 1;
console.log(JSON.stringify({ runs: RUNS, timeout: TIMEOUT, normalViewerSurvived: healthy }));
process.exitCode = healthy === RUNS ? 0 : 1;
