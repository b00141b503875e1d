/**
 * `torsion serve` end to end, as a script uses it: a server child process on `--port N` with a
 * YAML config, tokens from `torsion token`, real GStreamer clients decoding both mounts
 * (souphttpsrc → matroskademux → vp8dec, oggdemux → theoradec), 401 without credentials, 403 with
 * an expired token, 503 past maxViewers, /stats and /metrics, a disk recording, and SIGTERM → exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveCommand } from '../../src/cli/commands/serve';
import { commands } from '../../src/cli/commands/index';
import { mintToken } from '../../src/protocols/index';
import { captureIO } from './io';
import { freePort, playedTail, playFrames, rawViewer, root, run, serve, sinkChains, torsion, type RawViewer } from '../components/helpers/serve';

const SECRET = 'serve-test-secret-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'torsion-serve-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('torsion serve (in-process: arguments and config errors)', () => {
  it('is registered and prints help', async () => {
    expect(commands).toContain(serveCommand);
    const io = captureIO();
    expect(await serveCommand.run(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: torsion serve \[--config <file>\] \[--port <n>\]/);
    expect(io.out()).toMatch(/TORSION_SECRET/);
  });

  it('validates the config and the overrides (--check), naming the field at fault', async () => {
    const good = join(dir, 'good.yaml');
    writeFileSync(good, 'port: 9000\nmaxViewers: 3\n');
    let io = captureIO('', { PORT: '9100' });
    expect(await serveCommand.run(['--config', good, '--check'], io)).toBe(0);
    expect(JSON.parse(io.out())).toMatchObject({ port: 9100, mounts: [{ path: '/live.webm', maxViewers: 3 }, { path: '/live.ogg' }] });
    io = captureIO('', { PORT: '9100' });
    expect(await serveCommand.run(['--config', good, '--port', '9200', '--check'], io)).toBe(0);
    expect(JSON.parse(io.out()).port).toBe(9200);
    io = captureIO();
    expect(await serveCommand.run(['--check'], io)).toBe(0);
    expect(JSON.parse(io.out()).port).toBe(8800);
    const ingest = join(dir, 'ingest-check.yaml');
    writeFileSync(ingest, 'source: { type: ingest }\n');
    io = captureIO('', { TORSION_SOURCE_PASSWORD: 'from-the-environment' });
    expect(await serveCommand.run(['--config', ingest, '--check'], io)).toBe(0);
    expect(JSON.parse(io.out()).source).toMatchObject({ type: 'ingest', port: 8801, path: '/ingest', password: '(set)' });
    expect(io.out()).not.toContain('from-the-environment');

    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ mounts: [{ path: '/a.webm', video: 'theora' }] }));
    io = captureIO();
    expect(await serveCommand.run(['--config', bad], io)).toBe(2);
    expect(io.err()).toMatch(/^torsion serve: mounts\[0\]\.video: must be one of vp8/);
    for (const argv of [['--port', 'x'], ['--port', '70000'], ['--bogus'], ['--config']]) {
      io = captureIO();
      expect(await serveCommand.run(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(/^torsion serve: /);
    }
    io = captureIO('', { PORT: 'eighty' });
    expect(await serveCommand.run(['--check'], io)).toBe(2);
    expect(io.err()).toMatch(/PORT/);
  });
});

describe('torsion serve (a real server process)', () => {
  it('serves both mounts to token holders and refuses everyone else, then stops on SIGTERM with exit 0', async () => {
    const port = await freePort();
    const recording = join(dir, 'rec.webm');
    const config = join(dir, 'server.yaml');
    writeFileSync(config, [
      'maxViewers: 2',
      'source: { width: 160, height: 120, framerate: 10 }',
      'recordings:',
      `  - { mount: /live.webm, file: ${JSON.stringify(recording)}, rotateSeconds: 2 }`,
    ].join('\n'));
    const server = await serve(['--config', config, '--port', String(port)], { TORSION_SECRET: SECRET });
    const base = `http://127.0.0.1:${port}`;
    try {
      expect(server.banner).toMatch(new RegExp(`\\(pid ${server.child.pid}\\) listening on ${base}`));
      expect(server.banner).toMatch(/WebM: +http:\S+\/live\.webm\?token=\S+/);
      expect(server.banner).toMatch(/Ogg: +http:\S+\/live\.ogg\?token=\S+/);

      const minted = await torsion(['token', '--path', '/live.webm', '--ttl', '60'], { TORSION_SECRET: SECRET });
      expect(minted.code, minted.stderr).toBe(0);
      const webmToken = minted.stdout.trim();
      const oggToken = (await torsion(['token', '--path', '/live.ogg', '--ttl', '60'], { TORSION_SECRET: SECRET })).stdout.trim();
      const allToken = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 60);

      // Both mounts decode, through real GStreamer HTTP clients joining a stream already running.
      const [webm, ogg] = await Promise.all([
        playFrames(`${base}/live.webm?token=${webmToken}`, 'webm'),
        playFrames(`${base}/live.ogg?token=${oggToken}`, 'ogg'),
      ]);
      expect(webm.frames, playedTail(webm)).toBeGreaterThanOrEqual(5);
      expect(ogg.frames, playedTail(ogg)).toBeGreaterThanOrEqual(5);
      // They were stopped once they decoded enough; the server counts a viewer until it logs
      // `viewer left` (after the sink released its fd, held briefly against fd-number reuse).
      await Promise.all(['webm', 'ogg'].map((ext) => server.waitForStderr(new RegExp(`"msg":"viewer left","mount":"/live\\.${ext}"`), 10_000)));

      // Refusals.
      const noCredentials = await fetch(`${base}/live.webm`);
      expect(noCredentials.status).toBe(401);
      expect(noCredentials.headers.get('www-authenticate')).toMatch(/^Basic realm="torsion"/);
      const expired = mintToken(SECRET, '/live.webm', Math.floor(Date.now() / 1000) - 10);
      expect((await fetch(`${base}/live.webm?token=${expired}`)).status).toBe(403);
      expect((await fetch(`${base}/live.ogg?token=${webmToken}`)).status).toBe(403);
      expect((await fetch(`${base}/stats`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/nowhere?token=${allToken}`)).status).toBe(404);

      // maxViewers: 2 → the third viewer of a mount gets 503; other mounts are unaffected.
      const first = await rawViewer(port, `/live.webm?token=${webmToken}`);
      const second = await rawViewer(port, `/live.webm?token=${webmToken}`);
      expect(first.head).toMatch(/^HTTP\/1\.[01] 200/);
      expect(first.head).toMatch(/Content-Type: video\/webm/i);
      expect(first.head).toMatch(/Connection: close/i);
      expect(second.head).toMatch(/^HTTP\/1\.[01] 200/);
      const third = await fetch(`${base}/live.webm?token=${webmToken}`);
      expect(third.status).toBe(503);
      const oggViewer = await rawViewer(port, `/live.ogg?token=${oggToken}`);
      expect(oggViewer.head).toMatch(/Content-Type: video\/ogg/i);

      type Stats = { mounts: Array<{ path: string; viewers: number; refused: number; mood: string }>; components: Array<{ name: string; mood: string }>; mood: string };
      const expected = [['/live.webm', 2, 1, 'happy'], ['/live.ogg', 1, 0, 'happy']];
      const row = (s: Stats): unknown[] => s.mounts.map((m) => [m.path, m.viewers, m.refused, m.mood]);
      // The earlier decoding viewers have left; a departed viewer is counted until the sink has
      // released its fd (FdSink holds it briefly against fd-number reuse), so poll with a deadline.
      let stats = await (await fetch(`${base}/stats?token=${allToken}`)).json() as Stats;
      for (const deadline = Date.now() + 5000; JSON.stringify(row(stats)) !== JSON.stringify(expected) && Date.now() < deadline;) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        stats = await (await fetch(`${base}/stats?token=${allToken}`)).json() as Stats;
      }
      expect(row(stats)).toEqual(expected);
      expect(stats.mood).toBe('happy');
      expect(stats.components.map((c) => c.name)).toEqual(['source', 'vp8', 'vorbis', 'mux-live-webm', 'http-live-webm', 'theora',
        'mux-live-ogg', 'http-live-ogg', 'disk-0']);

      const metrics = await fetch(`${base}/metrics?token=${allToken}`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await metrics.text();
      const samples = new Map<string, number>();
      for (const line of text.split('\n')) {
        if (line === '' || line.startsWith('#')) continue;
        const m = /^([a-z_]+(?:\{[^}]*\})?) (-?[0-9.e+]+|NaN)$/.exec(line);
        expect(m, `unparsable metrics line: ${line}`).not.toBeNull();
        samples.set((m as RegExpExecArray)[1] as string, Number((m as RegExpExecArray)[2]));
      }
      expect(samples.get('torsion_viewers{mount="/live.webm"}')).toBe(2);
      expect(samples.get('torsion_viewers{mount="/live.ogg"}')).toBe(1);
      expect(samples.get('torsion_viewers_refused_total{mount="/live.webm"}')).toBe(1);
      expect(samples.get('torsion_viewers_served_total{mount="/live.webm"}')).toBeGreaterThanOrEqual(3);
      expect(samples.get('torsion_component_mood{component="vp8",kind="vp8-encoder",mood="happy"}')).toBe(1);
      expect(samples.get('torsion_auth_failures_total{code="TORSION_ERR_AUTH_EXPIRED"}')).toBe(1);
      expect(samples.get('torsion_auth_failures_total{code="TORSION_ERR_AUTH_OUT_OF_SCOPE"}')).toBe(1);
      expect(samples.get('torsion_mount_bytes_served_total{mount="/live.webm"}')).toBeGreaterThan(0);
      expect(text).toContain('# TYPE torsion_mount_bytes_served_total counter');

      // The status page lists moods and plays the WebM mount.
      const page = await (await fetch(`${base}/?token=${allToken}`)).text();
      expect(page).toContain('<video id="player" src="/live.webm?token=');
      expect(page).toMatch(/http-live-ogg<\/td><td>http-streamer<\/td><td class="happy">happy/);

      // The held viewers receive media, not just the head (from the next keyframe on).
      await Promise.all([first.received(first.head.length + 4 + 1000), oggViewer.received(oggViewer.head.length + 4 + 1000)]);

      // The recording rotates every 2 s: wait for its third file, so the second is complete.
      await server.waitForStderr(/"msg":"recording",[^\n]*rec-2\.webm/, 20_000);

      // SIGTERM: viewers are closed by the server, the process exits 0.
      const closed = Promise.all([first, second, oggViewer].map((v) => new Promise<void>((r) => { v.socket.on('close', () => r()); })));
      const code = await server.stop();
      expect(code, server.stderr()).toBe(0);
      await closed;
      expect(server.stdout()).toContain('stopped');
      expect(server.stderr()).toMatch(/"msg":"stream server stopping/);

      // The recording rotated every 2 s: each file is a WebM file of its own (EBML magic, stream
      // headers, starting on a keyframe), so a rotated one decodes by itself.
      const files = readdirSync(dir).filter((f) => /^rec(-\d+)?\.webm$/.test(f))
        .sort((a, b) => Number(/(\d+)\.webm$/.exec(a)?.[1] ?? 0) - Number(/(\d+)\.webm$/.exec(b)?.[1] ?? 0));
      expect(files.length, files.join(' ')).toBeGreaterThanOrEqual(3);
      // The newest file may have been opened just before the stop, before its first keyframe.
      for (const f of files.slice(0, -1)) {
        expect(statSync(join(dir, f)).size, f).toBeGreaterThan(1000);
        expect(readFileSync(join(dir, f)).subarray(0, 4).toString('hex'), f).toBe('1a45dfa3');
      }
      const rotated = await run('gst-launch-1.0', ['-v', 'filesrc', `location=${join(dir, 'rec-1.webm')}`, '!', 'matroskademux', '!', 'vp8dec', '!',
        'fakesink', 'silent=false'], 20_000);
      expect(sinkChains(rotated.stdout), rotated.stderr).toBeGreaterThanOrEqual(5);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('serves HTTPS viewers (bridged) and HTTP Basic users from a password file, ends token viewers at expiry, rate-limits failed logins', async () => {
    const [port, tlsPort] = [await freePort(), await freePort()];
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const made = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1',
      '-subj', '/CN=127.0.0.1'], 30_000);
    expect(made.code, made.stderr).toBe(0);
    const passwd = join(dir, 'viewers.passwd');
    const added = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'passwd', '--file', passwd, '--password-stdin', '--cost', '10', 'alice'],
        { cwd: root, stdio: ['pipe', 'ignore', 'inherit'] });
      child.on('exit', resolve);
      child.stdin?.end('open sesame\n');
    });
    expect(added).toBe(0);
    const config = join(dir, 'tls.json');
    writeFileSync(config, JSON.stringify({ port, source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm' }],
      tls: { port: tlsPort, cert, key }, passwordFile: passwd, authRateLimit: { burst: 2, refillPerSecond: 0.001 } }));
    const server = await serve(['--config', config], { TORSION_SECRET: SECRET });
    try {
      expect(server.banner).toContain(`HTTPS:       https://127.0.0.1:${tlsPort}/?token=`);
      const basic = `Basic ${Buffer.from('alice:open sesame').toString('base64')}`;
      const play = await playFrames(`https://127.0.0.1:${tlsPort}/live.webm`, 'webm', 5, 40_000, ['ssl-strict=false', 'user-id=alice', 'user-pw=open sesame']);
      expect(play.frames, playedTail(play)).toBeGreaterThanOrEqual(5);
      const stats = await fetch(`http://127.0.0.1:${port}/stats`, { headers: { Authorization: basic } });
      expect(stats.status).toBe(200);
      expect((await stats.json() as { mounts: Array<{ served: number }> }).mounts[0]?.served).toBe(1);
      // A token viewer's stream ends when its token expires (Basic viewers have no such limit).
      const shortLived = mintToken(SECRET, '/live.webm', Math.floor(Date.now() / 1000) + 3);
      const expiring = await rawViewer(port, `/live.webm?token=${shortLived}`);
      expect(expiring.head).toMatch(/^HTTP\/1\.[01] 200/);
      await new Promise<void>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error('the viewer was not closed at its token expiry')), 10_000);
        expiring.socket.on('close', () => { clearTimeout(t); resolve(); });
      });
      await server.waitForStderr(/"msg":"viewer expired","mount":"\/live\.webm"/, 5000);

      const wrong = { headers: { Authorization: `Basic ${Buffer.from('alice:guess').toString('base64')}` } };
      expect((await fetch(`http://127.0.0.1:${port}/live.webm`, wrong)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${port}/live.webm`, wrong)).status).toBe(401);
      const limited = await fetch(`http://127.0.0.1:${port}/live.webm`, wrong);
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);

  it('re-reads the password file on SIGHUP: a user added logs in, a failed read keeps the users it had', async () => {
    const port = await freePort();
    const passwd = join(dir, 'hup.passwd');
    const addUser = (user: string, password: string): Promise<number | null> => new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'passwd', '--file', passwd, '--password-stdin', '--cost', '10', user],
        { cwd: root, stdio: ['pipe', 'ignore', 'inherit'] });
      child.on('exit', resolve);
      child.stdin?.end(`${password}\n`);
    });
    expect(await addUser('alice', 'open sesame')).toBe(0);
    const config = join(dir, 'hup.json');
    writeFileSync(config, JSON.stringify({ port, source: { width: 160, height: 120, framerate: 10 }, mounts: [{ path: '/live.webm' }], passwordFile: passwd }));
    const server = await serve(['--config', config], { TORSION_SECRET: SECRET });
    const as = (user: string, password: string): Promise<number> => fetch(`http://127.0.0.1:${port}/stats`,
      { headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } }).then((r) => r.status);
    try {
      expect(await as('alice', 'open sesame')).toBe(200);
      expect(await as('bob', 'swordfish')).toBe(401);
      expect(await addUser('bob', 'swordfish')).toBe(0);
      expect(await as('bob', 'swordfish')).toBe(401); // not before the signal
      server.child.kill('SIGHUP');
      await server.waitForStderr(/"msg":"password file reloaded","file":"[^"]*hup\.passwd","users":2,"skipped":0/, 10_000);
      expect(await as('bob', 'swordfish')).toBe(200);
      // The file goes away: the reload fails, is logged, and both users can still log in.
      rmSync(passwd);
      server.child.kill('SIGHUP');
      await server.waitForStderr(/"msg":"password file reload failed: the previous users stay"/, 10_000);
      expect(await as('alice', 'open sesame')).toBe(200);
      expect(await as('bob', 'swordfish')).toBe(200);
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('re-reads its config file on SIGHUP: a new viewer limit applies at once, a new source is logged as needing a restart, a broken file changes nothing', async () => {
    const port = await freePort();
    const config = join(dir, 'reload.json');
    const write = (maxViewers: number, framerate: number): void => writeFileSync(config,
      JSON.stringify({ source: { width: 160, height: 120, framerate }, mounts: [{ path: '/live.webm', maxViewers }] }));
    write(1, 10);
    const server = await serve(['--config', config, '--port', String(port)], { TORSION_SECRET: SECRET });
    const token = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 60);
    const status = async (): Promise<number> => { const r = await fetch(`http://127.0.0.1:${port}/live.webm?token=${token}`); await r.body?.cancel(); return r.status; };
    const viewers: RawViewer[] = [];
    try {
      viewers.push(await rawViewer(port, `/live.webm?token=${token}`));
      expect(await status()).toBe(503);
      write(2, 15);
      server.child.kill('SIGHUP');
      await server.waitForStderr(/"msg":"config reloaded; some changes need a restart","applied":\["mounts\[0\]\.maxViewers"\],"needRestart":\["source","encoding"\]/, 10_000);
      viewers.push(await rawViewer(port, `/live.webm?token=${token}`));
      expect(viewers[1]?.head).toMatch(/^HTTP\/1\.[01] 200/);
      expect(await status()).toBe(503);
      // A file that does not parse: logged, and the running settings stay.
      writeFileSync(config, '{ "mounts": [');
      server.child.kill('SIGHUP');
      await server.waitForStderr(/"msg":"config reload failed: the running settings stay","error":"[^"]*reload\.json/, 10_000);
      const stats = await (await fetch(`http://127.0.0.1:${port}/stats?token=${token}`)).json() as { mounts: Array<{ maxViewers: number; viewers: number }> };
      expect(stats.mounts[0]).toMatchObject({ maxViewers: 2, viewers: 2 });
      for (const v of viewers) v.socket.destroy();
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('keeps streaming when a recording cannot be written: only the recorder is sad', async () => {
    const port = await freePort();
    const config = join(dir, 'broken.yaml');
    writeFileSync(config, [
      'source: { width: 160, height: 120, framerate: 10 }',
      'mounts: [{ path: /live.webm }]',
      `recordings: [{ mount: /live.webm, file: ${JSON.stringify(join(dir, 'no-such-dir', 'rec.webm'))} }]`,
    ].join('\n'));
    const server = await serve(['--config', config, '--port', String(port)], { TORSION_SECRET: SECRET });
    const token = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 60);
    try {
      await server.waitForStderr(/"msg":"cannot open the recording file","component":"disk-0"/, 20_000);
      const viewer = await rawViewer(port, `/live.webm?token=${token}`);
      expect(viewer.head).toMatch(/^HTTP\/1\.[01] 200/);
      await viewer.received(viewer.head.length + 4 + 1000);
      const stats = await (await fetch(`http://127.0.0.1:${port}/stats?token=${token}`)).json() as {
        mood: string; mounts: Array<{ mood: string }>; components: Array<{ name: string; mood: string; moodDetail?: string }> };
      expect(stats.mood).toBe('sad');
      expect(stats.mounts[0]?.mood).toBe('happy');
      expect(stats.components.filter((c) => c.mood !== 'happy').map((c) => [c.name, c.mood])).toEqual([['disk-0', 'sad']]);
      expect(stats.components.find((c) => c.name === 'disk-0')?.moodDetail).toMatch(/^cannot open .*no-such-dir\/rec\.webm: ENOENT/);
      viewer.socket.destroy();
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('exits 1 with the reason when its port is taken, without a sad flow or a hang', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve((blocker.address() as AddressInfo).port)));
    try {
      const r = await torsion(['serve', '--port', String(port)], { TORSION_SECRET: SECRET, TORSION_LOG_LEVEL: 'info' }, 30_000);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`torsion serve: Couldn't listen on 127\\.0\\.0\\.1:${port}`));
      expect(r.stderr).not.toMatch(/"to":"sad"/);
      expect(r.stderr).not.toMatch(/the flow failed to start/);
      expect(r.stdout).not.toMatch(/listening on/);
    } finally {
      blocker.close();
    }
  }, 40_000);

  it('transcodes a stream a producer process pushes (Icecast-style PUT) to both mounts, one producer at a time', async () => {
    const [port, ingestPort] = [await freePort(), await freePort()];
    const config = join(dir, 'ingest.yaml');
    writeFileSync(config, `port: ${port}\nsource: { type: ingest, port: ${ingestPort}, width: 160, height: 120, framerate: 10 }\n`);
    const server = await serve(['--config', config], { TORSION_SECRET: SECRET, TORSION_SOURCE_PASSWORD: 'producer-password' });
    const token = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 60);
    const auth = `Basic ${Buffer.from('source:producer-password').toString('base64')}`;
    const connectProducer = (): Promise<{ socket: Socket; answer: string }> => new Promise((resolve, reject) => {
      const socket = connect(ingestPort, '127.0.0.1', () => socket.write(`PUT /ingest HTTP/1.0\r\nAuthorization: ${auth}\r\n\r\n`));
      socket.once('error', reject);
      socket.once('data', (d: Buffer) => resolve({ socket, answer: d.toString('latin1') }));
    });
    let producer: ChildProcess | null = null;
    try {
      expect(server.banner).toContain(`producers:   PUT http://source:<password>@127.0.0.1:${ingestPort}/ingest`);
      await server.waitForStderr(/"component":"source","kind":"ingest-source","from":"waking","to":"hungry"/, 20_000);
      const first = await connectProducer();
      expect(first.answer).toMatch(/^HTTP\/1\.0 200 OK/);
      // The producer: a live WebM encoder writing straight into the accepted socket (fd 3).
      producer = spawn('gst-launch-1.0', ['-q', 'videotestsrc', 'is-live=true', 'pattern=smpte', '!', 'video/x-raw,width=320,height=240,framerate=15/1',
        '!', 'vp8enc', 'deadline=1', '!', 'webmmux', 'name=m', 'streamable=true', '!', 'fdsink', 'fd=3',
        'audiotestsrc', 'is-live=true', '!', 'audioconvert', '!', 'vorbisenc', '!', 'm.'], { stdio: ['ignore', 'ignore', 'pipe', first.socket] });
      first.socket.destroy(); // the child holds its own copy of the fd
      await server.waitForStderr(/"msg":"producer connected","component":"source"/, 20_000);
      const second = await connectProducer();
      expect(second.answer).toMatch(/^HTTP\/1\.[01] 409/);
      second.socket.destroy();

      const [webm, ogg] = await Promise.all([
        playFrames(`http://127.0.0.1:${port}/live.webm?token=${token}`, 'webm'),
        playFrames(`http://127.0.0.1:${port}/live.ogg?token=${token}`, 'ogg'),
      ]);
      expect(webm.frames, playedTail(webm)).toBeGreaterThanOrEqual(5);
      expect(ogg.frames, playedTail(ogg)).toBeGreaterThanOrEqual(5);
      const stats = await (await fetch(`http://127.0.0.1:${port}/stats?token=${token}`)).json() as {
        components: Array<{ name: string; mood: string; producer?: string | null; producers?: number }> };
      expect(stats.components[0]).toMatchObject({ name: 'source', mood: 'happy', producers: 1 });
      expect(stats.components[0]?.producer).toMatch(/^127\.0\.0\.1:\d+$/);

      // The producer goes away: the source is hungry again, the mounts keep streaming (black, silence).
      producer.kill('SIGKILL');
      await server.waitForStderr(/"msg":"producer left","component":"source"/, 20_000);
      await server.waitForStderr(/"component":"source","kind":"ingest-source","from":"happy","to":"hungry"/, 5_000);
      const viewer = await rawViewer(port, `/live.webm?token=${token}`);
      await viewer.received(viewer.head.length + 4 + 1000);
      viewer.socket.destroy();
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (producer !== null && producer.exitCode === null) producer.kill('SIGKILL');
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 90_000);
});
