/**
 * A viewer that stops reading is dropped by policy against a real `torsion serve`, within seconds,
 * while a normal viewer keeps the stream's rate. What made this slow before: on loopback the
 * server's socket send buffer autotunes to `tcp_wmem`'s maximum (4 MiB here) and the client's
 * receive buffer grows while the application does not read (up to `tcp_rmem`'s maximum, 32 MiB
 * here), so at this stream's ~8 kB/s the sink saw no lag for minutes. The server now sizes each
 * viewer's SO_SNDBUF from `slowViewers.lagBytes` (src/gst/send-buffer.ts; checked here with `ss`),
 * and the stalled client here has a small fixed receive buffer, as a client that stops reading with
 * a full window has. The drop is recorded in the log as `slow`, the server releases its fd without
 * the client's help, and the client finds the connection closed (FIN) once it reads again.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, writeSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { viewerSendBuffer } from '../../src/components/http-streamer';
import { GstOptionsError } from '../../src/gst/errors';
import { closeFd, dupFd, stealSocketFd } from '../../src/gst/fd-util';
import { setSendBuffer } from '../../src/gst/send-buffer';
import { validateSinkPolicy } from '../../src/gst/sink-options';
import { loadGi } from '../../src/reactor/gi';
import { rawViewer, type RawViewer } from '../components/helpers/serve';
import { fdCount, startServe, tempDir, token, waitFor, writeConfig } from './helpers';

const dir = tempDir('torsion-slow-viewers-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LAG_BYTES = 30_000;
const SOL_SOCKET = 1;
const SO_RCVBUF = 8;

/** A viewer (rawViewer), with `ended` firing on the server's FIN. */
async function viewer(port: number, path: string): Promise<RawViewer & { ended: Promise<void> }> {
  const v = await rawViewer(port, path);
  return { ...v, ended: new Promise<void>((ok) => v.socket.once('end', () => ok())) };
}

/** Fixes a socket's SO_RCVBUF (locks it: the kernel stops growing it while nobody reads). */
function fixReceiveBuffer(socket: Socket, bytes: number): void {
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  const g = loadGi().Gio.Socket.newFromFd(dupFd(fd));
  try {
    expect(g.setOption(SOL_SOCKET, SO_RCVBUF, bytes)).toBe(true);
  } finally {
    g.close();
  }
}

/** The server-side SO_SNDBUF (`ss` skmem `tb`) of the connection from local port `clientPort`, or null. */
function serverSendBuffer(serverPort: number, clientPort: number): number | null {
  const out = execFileSync('ss', ['-tnmH', 'state', 'established', `( sport = :${serverPort} and dport = :${clientPort} )`]).toString();
  const m = /\btb(\d+)/.exec(out);
  return m === null ? null : Number(m[1]);
}

describe('the send buffer of a handed-off socket', () => {
  it('setSendBuffer fixes SO_SNDBUF on an owned fd, which stays open and connected; bad sizes are refused', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    const received = new Promise<string>((resolve) => client.once('data', (c: Buffer) => resolve(c.toString())));
    const fds = readdirSync('/proc/self/fd').length;
    const fd = stealSocketFd(await accepted);
    try {
      expect(setSendBuffer(loadGi(), fd, 32 * 1024)).toBe(64 * 1024); // the kernel doubles it
      expect(serverSendBuffer((server.address() as { port: number }).port, client.localPort as number)).toBe(64 * 1024);
      writeSync(fd, 'still connected');
      expect(await received).toBe('still connected');
      expect(setSendBuffer(loadGi(), 1_000_000, 65536)).toBeNull(); // not an fd: logged, not thrown
    } finally {
      closeFd(fd);
      client.destroy();
      server.close();
    }
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fds);
    for (const bad of [100, 4095, 65536.5, 2 ** 31]) expect(() => validateSinkPolicy({ sendBuffer: bad })).toThrow(GstOptionsError);
    expect(() => validateSinkPolicy({ sendBuffer: 65536 })).not.toThrow();
  });
});

describe('slow viewers are dropped by policy', () => {
  // Two ways out for a viewer that stops reading: the lag limit (`drop`, no timeout), and the client
  // timeout (`resync` moves a lagging viewer to the live edge instead, so only the timeout can drop
  // it here). The timeout is FdSink's own watch of the socket, not the sink's (which, in GStreamer
  // 1.22, could drop a healthy viewer together with the slow one: docs/security.md, "Slow viewers").
  const cases = [
    { label: 'by the lag limit (drop, timeout 0)', slowViewers: { policy: 'drop', lagBytes: LAG_BYTES, timeout: 0 } },
    { label: 'by the client timeout (resync, timeout 3 s)', slowViewers: { policy: 'resync', lagBytes: LAG_BYTES, timeout: 3 } },
  ] as const;
  for (const c of cases) it(`a viewer that stops reading is dropped as slow within seconds ${c.label}; a normal viewer keeps its rate`, async () => {
    const { server, port } = await startServe(writeConfig(dir, { slowViewers: c.slowViewers }, `${c.slowViewers.policy}.json`));
    const pid = server.child.pid as number;
    const t = token('/', 3600);
    const sockets: Socket[] = [];
    try {
      const normal = await viewer(port, `/live.webm?token=${t}`);
      sockets.push(normal.socket);
      expect(normal.head).toMatch(/^HTTP\/1\.[01] 200/);
      await waitFor(() => normal.bytes() > 20_000, 15_000, () => `normal viewer got ${normal.bytes()} B`);
      const fdsWithNormal = fdCount(pid);

      const stalled = await viewer(port, `/live.webm?token=${t}`);
      sockets.push(stalled.socket);
      stalled.socket.pause();
      fixReceiveBuffer(stalled.socket, 16 * 1024);
      const stalledPort = stalled.socket.localPort as number;
      const started = Date.now();
      const normalAtStall = normal.bytes();

      // The hand-off sized the server side's send buffer (the kernel doubles the value).
      await waitFor(() => serverSendBuffer(port, stalledPort) === 2 * viewerSendBuffer(LAG_BYTES), 5000,
        () => `server tb ${serverSendBuffer(port, stalledPort)}`);

      // Dropped by the sink's policy: logged as slow, its fd closed by the server while the client still does not read.
      const left = new RegExp(`"msg":"viewer left"[^\\n]*"port":${stalledPort}\\}[^\\n]*"reason":"slow"`);
      await server.waitForStderr(left, 40_000);
      const droppedAfter = (Date.now() - started) / 1000;
      await waitFor(() => fdCount(pid) <= fdsWithNormal, 5000, () => `server fds ${fdCount(pid)} > ${fdsWithNormal}`);
      const stats = await (await fetch(`http://127.0.0.1:${port}/stats?token=${t}`)).json() as { mounts: Array<{ path: string; viewers: number; bitrate: number }> };
      const mount = stats.mounts.find((m) => m.path === '/live.webm');
      expect(mount?.viewers, server.stderr().split('\n').filter((l) => l.includes('viewer')).join('\n')).toBe(1);

      // The normal viewer kept the stream's rate meanwhile, and is still served.
      const normalRate = ((normal.bytes() - normalAtStall) * 8) / droppedAfter;
      console.log(`slow viewer dropped after ${droppedAfter.toFixed(1)} s; normal viewer ${Math.round(normalRate)} bit/s, stream ${mount?.bitrate} bit/s; stalled viewer had ${stalled.bytes()} B`);
      expect(normalRate).toBeGreaterThan(0.5 * (mount?.bitrate ?? Infinity));
      expect(normal.socket.destroyed).toBe(false);

      // Reading again, the stalled client gets what the kernels held, then the server's FIN.
      stalled.socket.resume();
      await Promise.race([stalled.ended, new Promise((_, no) => setTimeout(() => no(new Error('no FIN for the dropped viewer')), 10_000))]);
      const before = normal.bytes();
      await waitFor(() => normal.bytes() > before + 2000, 10_000, () => 'normal viewer stalled after the drop');
      expect(await server.stop(), server.stderr().slice(-3000)).toBe(0);
    } finally {
      for (const s of sockets) s.destroy();
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);
});
