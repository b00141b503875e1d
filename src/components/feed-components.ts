/**
 * Components joined by GDP feeds across processes and machines (Flumotion's feeders and eaters
 * between workers), on top of `Feeder`/`Eater`/`FeedServer` (docs/feeds.md):
 *
 * - {@link FeedExporter} offers the feed it eats (say a muxer's WebM stream) on a {@link FeedServer}
 *   under a name (a mount path): `queue ! gdppay ! multifdsink`, each authenticated eater's fd
 *   handed to the multifdsink — no byte through JavaScript.
 * - {@link FeedEater} eats a named feed from a remote feed server and produces it in this flow,
 *   either as it comes (`relay`: an edge streamer serving a producer's muxed stream as is) or
 *   decoded into raw `video` and `audio` feeds (`decode`: ingest over GDP, then transcoded here
 *   like the test source). It reconnects with back-off after a drop while the flow keeps running
 *   (the eater's `FeedFilter`: no EOS, no second header, continuous timestamps). Moods: hungry
 *   until authenticated and after a drop, happy while fed, sad when the feed server refuses our
 *   credentials (which does not fix itself).
 *
 * Tests: test/components/feed-components.test.ts, test/cli/serve-feeds.test.ts.
 */
import { fail, succeed, type Deferred } from '../defer/deferred';
import { Eater, eaterSourceLaunch, type EaterEvent, type FeederAddress } from '../gst/feeds/eater';
import { linkedBranches } from '../gst/branches';
import type { Pipeline } from '../gst/pipeline';
import type { Feeder } from '../gst/feeds/feeder';
import { feedIdentity, type FeedServer } from '../gst/feeds/feed-server';
import type { ReactorTCP } from '../reactor/interfaces/reactor';
import { getLogger } from '../log';
import { Component, branch, feederTee, type AttachContext, type ComponentStats } from './component';
import { ComponentError } from './errors';

/** Offers the feed it eats on a {@link FeedServer} under `feed`. */
export class FeedExporter extends Component {
  readonly kind = 'feed-exporter';
  readonly feeders: readonly string[] = [];
  private feeder: Feeder | null = null;
  private served = 0;

  /**
   * @param eater the feed exported (`component:feed`)
   * @param feed the name eaters ask for (e.g. the mount path `/live.webm`)
   */
  constructor(name: string, eater: string, readonly feed: string, private readonly server: FeedServer) {
    super(name, [eater]);
    server.offer(feed);
  }

  /** Eaters fed now. */
  get eaterCount(): number {
    return this.feeder?.eaterCount ?? 0;
  }

  fragment(inputs: readonly string[]): string {
    return `${branch(inputs[0] ?? '')} ! gdppay name=${this.name}-pay ! multifdsink name=${this.name}-sink sync=false`;
  }

  override attach(context: AttachContext): void {
    const feeder = this.server.attachFeeder(context.pipeline, `${this.name}-sink`);
    feeder.events$.subscribe((e) => {
      if (e.type === 'accepted') {
        this.served += 1;
        getLogger().info('feed eater joined', { component: this.name, feed: this.feed, identity: e.identity });
      } else if (e.type === 'left') {
        getLogger().info('feed eater left', { component: this.name, feed: this.feed, identity: e.identity, reason: e.result.reason });
      }
    });
    this.feeder = feeder;
  }

  override start(): Deferred<void> {
    if (this.feeder !== null) this.server.setFeeder(this.feed, this.feeder);
    this.setMood('happy');
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    this.server.setFeeder(this.feed, null);
    this.feeder = null;
    return succeed(undefined);
  }

  override stats(): ComponentStats {
    return { ...super.stats(), feed: this.feed, eaters: this.feeder?.eaterIdentities() ?? [], served: this.served };
  }
}

/** Where a {@link FeedEater} gets its feed. */
export interface FeedEaterOptions {
  /** The feed server's host and port. */
  readonly host: string;
  readonly port: number;
  /** The feed asked for (e.g. `/live.webm`). */
  readonly feed: string;
  /** Who this eater is, as the feed server logs it. */
  readonly identity: string;
  /** The secret shared with the feed server (at least 16 bytes). */
  readonly secret: string;
  /**
   * Decode the feed into raw `video` and `audio` feeds of this size and rate (ingest over GDP);
   * absent: relay the feed as it comes (its one feed is `default`).
   */
  readonly decode?: { readonly width: number; readonly height: number; readonly framerate: number };
  /** Seconds without a byte before the connection is redialled (default 15). */
  readonly stallTimeout?: number;
  /** Longest back-off between reconnects, seconds (default 10). */
  readonly maxDelay?: number;
  /**
   * Stand-ins for `host:port` (servers offering the same feed): each reconnect dials the next
   * address in turn, so losing one producer moves the eater to another (Eater.connectTCPAny).
   */
  readonly fallbacks?: readonly FeederAddress[];
}

/** Eats a named feed from a remote {@link FeedServer}. */
export class FeedEater extends Component {
  readonly kind = 'feed-eater';
  readonly feeders: readonly string[];
  private eater: Eater | null = null;
  private connectionCount = 0;
  private drops = 0;
  private lacking: string | null = null;

  constructor(name: string, private readonly options: FeedEaterOptions) {
    super(name, []);
    feedIdentity(options.identity, options.feed);
    this.feeders = options.decode === undefined ? ['default'] : ['video', 'audio'];
  }

  /** The upstream feed eaten. */
  get feed(): string {
    return this.options.feed;
  }

  /** Authenticated connections made so far (1 + reconnects). */
  get connections(): number {
    return this.connectionCount;
  }

  fragment(): string {
    const head = eaterSourceLaunch(`${this.name}-src`);
    const d = this.options.decode;
    if (d === undefined) return `${head} ! ${feederTee(this.feedElement('default'))}`;
    const dec = `${this.name}-decode`;
    return `${head} ! decodebin name=${dec}`
      + `  ${dec}. ! queue name=${this.name}-video-queue ! videoconvert ! videoscale ! videorate`
      + ` ! video/x-raw,format=I420,width=${d.width},height=${d.height},framerate=${d.framerate}/1 ! ${feederTee(this.feedElement('video'))}`
      + `  ${dec}. ! queue name=${this.name}-audio-queue ! audioconvert ! audioresample ! audio/x-raw,rate=44100,channels=2 ! ${feederTee(this.feedElement('audio'))}`;
  }

  /** Adopts the pipeline side of the eater's socket pair, then starts dialling (before the pipeline plays). */
  override attach(context: AttachContext): Deferred<void> {
    const reactor = context.reactor as Partial<ReactorTCP>;
    if (typeof reactor.connectTCP !== 'function') return fail(new ComponentError(`${this.name} needs a reactor with TCP`));
    const o = this.options;
    return Eater.attach(context.pipeline, `${this.name}-src`, {
      identity: feedIdentity(o.identity, o.feed), secret: o.secret, time: context.time,
      ...(o.stallTimeout !== undefined ? { stallTimeout: o.stallTimeout } : {}),
      ...(o.maxDelay !== undefined ? { maxDelay: o.maxDelay } : {}),
    }).addCallback((eater) => {
      this.lacking = null;
      if (o.decode !== undefined) this.checkKinds(context.pipeline);
      this.eater = eater;
      eater.events$.subscribe((e) => this.onEvent(e));
      if ((o.fallbacks ?? []).length === 0) eater.connectTCP(reactor as ReactorTCP, o.host, o.port);
      else eater.connectTCPAny(reactor as ReactorTCP, [{ host: o.host, port: o.port }, ...(o.fallbacks ?? [])]);
    });
  }

  override start(): Deferred<void> {
    if (this.eater?.feeding === true) this.setMood('happy');
    else if (this.mood !== 'sad') this.setMood('hungry', `waiting for ${this.options.feed} from ${this.options.host}:${this.options.port}`);
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    this.eater?.stop();
    this.eater = null;
    return succeed(undefined);
  }

  override stats(): ComponentStats {
    const o = this.options;
    return { ...super.stats(), upstream: this.eater?.destination ?? `${o.host}:${o.port}`, feed: o.feed, feeding: this.eater?.feeding ?? false,
      ...((o.fallbacks ?? []).length === 0 ? {} : { upstreams: [o, ...(o.fallbacks ?? [])].map((a) => `${a.host}:${a.port}`) }),
      connections: this.connectionCount, drops: this.drops };
  }

  /**
   * Decoding: once decodebin has exposed the upstream's streams, a kind it lacks that a component
   * here eats (its tee has branches) will never come: say so (sad), instead of a mount that stays
   * hungry waiting for its first bytes.
   */
  private checkKinds(pipeline: Pipeline): void {
    const heads = { video: `${this.name}-video-queue`, audio: `${this.name}-audio-queue` };
    linkedBranches(pipeline, `${this.name}-decode`, heads).addCallbacks((linked) => {
      const missing = (['video', 'audio'] as const).filter((k) => !linked.includes(k)
        && Number(pipeline.getProperty(this.feedElement(k), 'num-src-pads') ?? 0) > 0);
      if (missing.length === 0) return;
      const reason = `${this.options.feed} has no ${missing.join(' and ')}, which this server's mounts need`;
      getLogger().error('feed lacks a stream', { component: this.name, feed: this.options.feed, missing });
      this.lacking = reason;
      this.setMood('sad', reason);
    }, () => null); // the pipeline stopped first
  }

  private onEvent(e: EaterEvent): void {
    const where = `${this.options.feed} from ${this.eater?.destination ?? `${this.options.host}:${this.options.port}`}`;
    switch (e.type) {
      case 'authenticated':
        this.connectionCount += 1;
        if (this.lacking === null) this.setMood('happy'); // a stream without a needed kind stays so across reconnects
        break;
      case 'lost':
      case 'stalled':
      case 'corrupt':
        this.drops += 1;
        if (this.mood !== 'sad') this.setMood('hungry', `lost ${where}: reconnecting`);
        break;
      case 'refused':
        this.setMood(e.willRetry ? 'hungry' : 'sad', `${where} refused us: ${e.error.message}`);
        break;
      case 'connect-failed':
        if (this.mood !== 'sad') this.setMood('hungry', `cannot reach ${where}: ${e.error.message}`);
        break;
    }
  }
}
