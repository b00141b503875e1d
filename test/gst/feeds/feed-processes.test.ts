/**
 * A feed between two separate OS processes (fixtures run with `node --import tsx`):
 * - the feeder process is SIGKILLed and a new one started on the same port while the eater (here)
 *   reconnects with back-off: downstream gets no EOS, one stream-start, one caps, only decodable
 *   RGB frames, and timestamps that keep increasing (the restarted feeder starts again near 0);
 * - the eater process is SIGKILLed and restarted against the feeder (here, over a unix socket):
 *   the feeder sees it leave and releases its fd, the new eater decodes from the stream header.
 * fds return to their baseline on our side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Deferred } from '../../../src/defer/deferred';
import { Eater, eaterSourceLaunch, type EaterEvent } from '../../../src/gst/feeds/eater';
import { Feeder, feederSinkLaunch, type FeederEvent } from '../../../src/gst/feeds/feeder';
import { Pipeline } from '../../../src/gst/pipeline';
import { realTime as reactor, startLoop, stopLoop, within } from '../helpers/loop';
import { fdCount } from '../helpers/net';
import { GdpProbe } from './helpers/probe';

const SECRET = 'the secret the two processes share';
const RGB_FRAME = 64 * 48 * 3;
const root = new URL('../../../', import.meta.url).pathname;
const children = new Set<ChildProcess>();

/** A fixture process and the lines it printed, with a wait for a line matching a pattern. */
class Child {
  readonly lines: string[] = [];
  private waiters: Array<{ re: RegExp; from: number; d: Deferred<RegExpMatchArray> }> = [];
  readonly exited = new Deferred<void>();
  readonly proc: ChildProcess;

  constructor(fixture: string, args: string[]) {
    this.proc = spawn(process.execPath, ['--import', 'tsx', join('test/gst/feeds/fixtures', fixture), ...args], {
      cwd: root, env: { ...process.env, FEED_SECRET: SECRET }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.add(this.proc);
    let partial = '';
    this.proc.stdout?.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.check();
    });
    // 'close' comes after 'exit' once the child's stdio pipes are closed too (fds counted after it).
    this.proc.on('close', () => {
      children.delete(this.proc);
      this.exited.callback(undefined);
    });
  }

  /** Fires with the first line (printed from now on, or at index `from` onwards) matching `re`. */
  line(re: RegExp, from = this.lines.length): Deferred<RegExpMatchArray> {
    const d = new Deferred<RegExpMatchArray>();
    this.waiters.push({ re, from, d });
    this.check();
    return d;
  }

  kill(): Deferred<void> {
    this.proc.kill('SIGKILL');
    return this.exited;
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      for (let i = w.from; i < this.lines.length; i++) {
        const m = this.lines[i]!.match(w.re);
        if (m !== null) {
          w.d.callback(m);
          return false;
        }
      }
      return true;
    });
  }
}

/**
 * The fd count once it is down to `expected`, or whatever it is after `seconds`: fds are closed on the
 * loop thread after the signals that announce them, so a count read at once can lag under load.
 */
async function settledFdCount(expected: number, seconds = 5): Promise<number> {
  const deadline = reactor.seconds() + seconds;
  // At most: a pipeline disposed earlier may be collected meanwhile and give back its bus's 2 fds.
  while (fdCount() > expected && reactor.seconds() < deadline) {
    await new Promise<void>((resolve) => { reactor.callLater(0.05, resolve); });
  }
  return fdCount();
}

function nextEvent<E extends { type: string }>(events$: { subscribe(fn: (e: E) => void): { unsubscribe(): void } }, type: E['type']): Deferred<E> {
  const d = new Deferred<E>();
  const sub = events$.subscribe((e) => {
    if (e.type === type && !d.called) {
      d.callback(e);
      queueMicrotask(() => sub.unsubscribe());
    }
  });
  return d;
}

beforeAll(() => startLoop());
afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});
afterAll(() => stopLoop());

describe('a feed between two processes', () => {
  it('survives the feeder being killed and restarted while the eater reconnects', async () => {
    const first = new Child('feeder-process.ts', ['tcp', '0']);
    const port = Number((await within(first.line(/^LISTENING (\d+)/, 0), 20, 'feeder 1 listening'))[1]);
    const probe = await GdpProbe.make();
    const pipe = Pipeline.launch(`${eaterSourceLaunch('feed')} ! videoconvert ! video/x-raw,format=RGB ! ${probe.sink}`, { reactor });
    const base = fdCount();
    const eater = await within(Eater.attach(pipe, 'feed', {
      identity: 'streamer', secret: SECRET, time: reactor, initialDelay: 0.2, maxDelay: 1, jitter: 0,
    }), 5);
    pipe.setState('playing').addErrback(() => undefined);
    eater.connectTCP(reactor, '127.0.0.1', port);
    await within(probe.buffers(10), 20, '10 frames from feeder 1');

    const lost = nextEvent<EaterEvent>(eater.events$, 'lost');
    await within(first.kill(), 10, 'feeder 1 killed');
    await within(lost, 10, 'the eater notices');
    // Nobody listens now: the eater keeps retrying with back-off.
    await within(nextEvent<EaterEvent>(eater.events$, 'connect-failed'), 10, 'a refused retry');
    const framesBefore = probe.media().length;
    const second = new Child('feeder-process.ts', ['tcp', String(port)]);
    await within(second.line(/^LISTENING/, 0), 20, 'feeder 2 listening');
    await within(eater.whenAuthenticated(2), 20, 'the eater reconnects');
    await within(probe.buffers(framesBefore + 10), 20, '10 frames from feeder 2');

    expect(probe.error).toBeNull();
    expect(probe.eosCount).toBe(0);
    expect(probe.streamStarts).toBe(1);
    expect(probe.caps()).toBe(1);
    const media = probe.media();
    expect(media.every((b) => b.payload.length === RGB_FRAME)).toBe(true);
    for (let i = 1; i < media.length; i++) expect(media[i]!.pts > media[i - 1]!.pts).toBe(true);
    expect(eater.stats.segmentsDropped).toBeGreaterThan(0);
    // Whether a shift was needed depends on how long feeder 2 ran before the eater got back (its
    // clock restarts at 0); the invariant — timestamps keep increasing — is asserted above.

    eater.stop();
    await within(pipe.dispose(), 10);
    probe.close();
    expect(await settledFdCount(base - 2)).toBeLessThanOrEqual(base - 2); // the probe's two fds are gone too; the eater left nothing
    await within(second.kill(), 10);
  });

  it('survives the eater being killed and restarted; the feeder releases the dead eater', async () => {
    const pipe = Pipeline.launch(`videotestsrc is-live=true pattern=ball ! video/x-raw,width=64,height=48,framerate=10/1 ! ${feederSinkLaunch('feed')}`, { reactor });
    const feeder = Feeder.attach(pipe, 'feed', { secret: SECRET, time: reactor, deadline: 5 });
    const idle = fdCount(); // a pipeline keeps its bus fds; the sink opens its own while running
    await within(pipe.setState('playing'), 10);
    const path = join(tmpdir(), `torsion-feed-proc-${process.pid}.sock`);
    const port = await within(feeder.listenUNIX(reactor, path), 5);
    const base = fdCount();

    const accepted1 = nextEvent<FeederEvent>(feeder.events$, 'accepted');
    const eater1 = new Child('eater-process.ts', ['unix', path]);
    await within(accepted1, 20, 'eater 1 accepted');
    const frames1 = await within(eater1.line(/^FRAMES (\d+) (\d) (\d+) (\d+) (\d+)/, 0), 20, 'eater 1 decodes');
    expect(frames1.slice(2)).toEqual(['1', '1', '1', '0']);
    expect(feeder.sink.clients().map((c) => c.state)).toEqual(['sink-owned']);
    expect(await settledFdCount(base + 2)).toBeLessThanOrEqual(base + 2); // the eater's socket in the sink, and the child's stdout pipe

    const left = nextEvent<FeederEvent>(feeder.events$, 'left');
    await within(eater1.kill(), 10);
    const gone = await within(left, 10, 'the feeder sees eater 1 leave');
    expect(gone.type === 'left' && ['closed', 'error'].includes(gone.result.reason)).toBe(true);
    expect(feeder.eaterCount).toBe(0);
    expect(await settledFdCount(base)).toBeLessThanOrEqual(base);

    const accepted2 = nextEvent<FeederEvent>(feeder.events$, 'accepted');
    const eater2 = new Child('eater-process.ts', ['unix', path]);
    await within(accepted2, 20, 'eater 2 accepted');
    const frames2 = await within(eater2.line(/^FRAMES (\d+) (\d) (\d+) (\d+) (\d+)/, 0), 20, 'eater 2 decodes');
    expect(frames2.slice(2)).toEqual(['1', '1', '1', '0']);

    const left2 = nextEvent<FeederEvent>(feeder.events$, 'left');
    await within(eater2.kill(), 10);
    await within(left2, 10);
    await within(port.stopListening(), 5);
    await within(feeder.close(), 5);
    await within(pipe.dispose(), 10);
    expect(await settledFdCount(idle)).toBeLessThanOrEqual(idle);
  });
});
