/**
 * A stream server whose flow includes a custom component: the test source's audio goes through a
 * `LevelMeter` (level-meter.ts) before it is encoded, and `/stats` shows what the meter measured.
 * Run: `npx tsx examples/custom-component/main.ts` (PORT, default 8800; TORSION_SECRET).
 * Tests: test/examples/custom-component.test.ts.
 */
import { randomBytes } from 'node:crypto';
import {
  AudioEncoder, GLibReactor, HttpStreamer, Muxer, StreamServer, TestSource, VideoEncoder, anchoredClock, parseServerConfig, serverBanner,
} from 'torsion';
import { LevelMeter } from './level-meter';

const given = process.env['TORSION_SECRET'];
const secret = given === undefined || given === '' ? randomBytes(24).toString('base64url') : given;

const components = [
  new TestSource('src', { width: 320, height: 240, framerate: 15 }),
  new LevelMeter('meter', 'src:audio'),                             // eats the raw audio, feeds it on
  new VideoEncoder('vp8', 'vp8', 'src:video', { keyframeDistance: 15 }),
  new AudioEncoder('vorbis', 'vorbis', 'meter'),                    // encodes what the meter passed on
  new Muxer('mux', 'webm', ['vp8', 'vorbis']),
  new HttpStreamer('web', 'mux', { path: '/live.webm', contentType: 'video/webm' }),
];

const config = parseServerConfig({ port: Number(process.env['PORT'] ?? 8800) });
const reactor = new GLibReactor();
const stopped = reactor.run().asPromise(); // SIGINT/SIGTERM stop it gracefully
const server = await StreamServer.start({ config, reactor, secret, components, wallClock: anchoredClock(reactor, Date.now() / 1000) })
  .asPromise().catch((error: unknown) => {
    process.stderr.write(`failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    reactor.stop();
    return null;
  });
if (server !== null) process.stdout.write(serverBanner(server, config.host, process.pid, secret === given));
await stopped;
if (server === null) process.exitCode = 1;
