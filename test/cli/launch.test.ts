/**
 * `torsion launch`: the line is parsed in-process (--check, errors with exit 2), and a chain is run
 * as a child process whose HTTP streamer is decoded by a real GStreamer client with a token.
 */
import { describe, expect, it } from 'vitest';
import { launchCommand } from '../../src/cli/commands/launch';
import { commands } from '../../src/cli/commands/index';
import { mintToken } from '../../src/protocols/index';
import { captureIO } from './io';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, playedTail, playFrames, serve, startServer } from '../components/helpers/serve';

const SECRET = 'launch-test-secret-0123456789';

describe('torsion launch', () => {
  it('is registered, prints help with the component kinds, and checks a line without running it', async () => {
    expect(commands).toContain(launchCommand);
    let io = captureIO();
    expect(await launchCommand.run(['--help'], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: torsion launch/);
    expect(io.out()).toMatch(/http-streamer +path max-viewers slow-viewers/);
    io = captureIO();
    expect(await launchCommand.run(['--check', 'test-source', '!', 'opus-encoder', '!', 'ogg-muxer', '!', 'http-streamer', 'path=/radio.ogg'], io)).toBe(0);
    expect(io.out()).toBe('test (test-source)\nopus (opus-encoder) eats test:audio\nogg (ogg-muxer) eats opus\nhttp (http-streamer) eats ogg\n');
  });

  it('refuses a bad line or option with exit status 2 and the reason', async () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /Usage: torsion launch/],
      [['test-source', '!', 'camera'], /^torsion launch: unknown component 'camera'/],
      [['--port', 'x', 'test-source'], /^torsion launch: --port needs a port number/],
      [['--bogus', 'test-source'], /^torsion launch: unknown option '--bogus'/],
      [['test-source', 'name=a', '!', 'vp8-encoder', 'name=a'], /^torsion launch: two components are named 'a'/],
    ];
    for (const [argv, message] of cases) {
      const io = captureIO();
      expect(await launchCommand.run(argv, io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(message);
    }
  });

  it('runs a chain and serves its streamer to token holders; SIGTERM → exit 0', async () => {
    const port = await freePort();
    const server = await startServer('launch', ['--port', String(port), 'test-source width=160 height=120 framerate=10', '!', 'vp8-encoder',
      '!', 'webm-muxer', '!', 'http-streamer', 'path=/cam.webm'], { TORSION_SECRET: SECRET });
    try {
      expect(server.banner).toMatch(new RegExp(`WebM: +http://127\\.0\\.0\\.1:${port}/cam\\.webm\\?token=`));
      const token = mintToken(SECRET, '/cam.webm', Math.floor(Date.now() / 1000) + 60);
      expect((await fetch(`http://127.0.0.1:${port}/cam.webm`)).status).toBe(401);
      const play = await playFrames(`http://127.0.0.1:${port}/cam.webm?token=${token}`, 'webm');
      expect(play.frames, playedTail(play)).toBeGreaterThanOrEqual(5);
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('restarts a chain whose pipeline fails, with backoff, answering 503 meanwhile; SIGTERM → exit 0', async () => {
    const port = await freePort();
    const server = await startServer('launch', ['--port', String(port), 'test-source', 'pattern=no-such-pattern', '!', 'vp8-encoder', '!',
      'webm-muxer', '!', 'http-streamer'], { TORSION_SECRET: SECRET, TORSION_LOG_LEVEL: 'info' });
    try {
      await server.waitForStderr(/"msg":"restarting the flow","attempt":2,"delaySeconds":2/, 20_000);
      expect(server.stderr()).toMatch(/"msg":"restarting the flow","attempt":1,"delaySeconds":1/);
      expect(server.stderr()).toMatch(/"component":"test","kind":"test-source","from":"waking","to":"sad","reason":"could not set property \\"pattern\\"/);
      const token = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 60);
      expect((await fetch(`http://127.0.0.1:${port}/http.webm?token=${token}`)).status).toBe(503);
      const stats = await (await fetch(`http://127.0.0.1:${port}/stats?token=${token}`)).json() as { mood: string };
      expect(['sad', 'waking']).toContain(stats.mood);
      expect(await server.stop(), server.stderr()).toBe(0);
    } finally {
      if (server.child.exitCode === null) server.child.kill('SIGKILL');
    }
  }, 60_000);

  it('relays a GDP feed of a torsion serve producer (feed-eater ! http-streamer), and decodes and re-encodes another', async () => {
    const [producerPort, feedPort, relayPort] = [await freePort(), await freePort(), await freePort()];
    const feedSecret = 'launch-feed-secret-0123456789';
    const dir = mkdtempSync(join(tmpdir(), 'torsion-launch-'));
    const config = join(dir, 'producer.yaml');
    writeFileSync(config, `source: { width: 160, height: 120, framerate: 10 }\nfeeds: { port: ${feedPort} }\nmounts: [{ path: /live.webm }]\n`);
    const env = { TORSION_SECRET: SECRET, TORSION_FEED_SECRET: feedSecret };
    const producer = await serve(['--config', config, '--port', String(producerPort)], env);
    const launched = await startServer('launch', ['--port', String(relayPort),
      `feed-eater port=${feedPort} feed=/live.webm identity=launch-relay`, '!', 'http-streamer', 'path=/relay.webm',
      `feed-eater port=${feedPort} feed=/live.webm identity=launch-transcoder decode=true width=160 height=120 framerate=10`, '!', 'theora-encoder', '!',
      'ogg-muxer', '!', 'http-streamer', 'path=/re.ogg'], env);
    try {
      const token = mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 60);
      const [webm, ogg] = await Promise.all([
        playFrames(`http://127.0.0.1:${relayPort}/relay.webm?token=${token}`, 'webm'),
        playFrames(`http://127.0.0.1:${relayPort}/re.ogg?token=${token}`, 'ogg'),
      ]);
      expect(webm.frames, playedTail(webm)).toBeGreaterThanOrEqual(5);
      expect(ogg.frames, playedTail(ogg)).toBeGreaterThanOrEqual(5);
      // The producer knows both eaters by the identities the launch line gave them.
      const stats = await (await fetch(`http://127.0.0.1:${producerPort}/stats?token=${token}`)).json() as { components: Array<{ eaters?: string[] }> };
      const eaters = stats.components.flatMap((c) => c.eaters ?? []);
      expect(eaters.some((e) => e.startsWith('launch-relay'))).toBe(true);
      expect(eaters.some((e) => e.startsWith('launch-transcoder'))).toBe(true);
      expect(await launched.stop(), launched.stderr()).toBe(0);
      expect(await producer.stop(), producer.stderr()).toBe(0);
    } finally {
      for (const p of [launched, producer]) if (p.child.exitCode === null) p.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
