/**
 * `IngestSource`: a producer pushes a live stream (WebM or Ogg, anything decodebin reads) into the
 * server, Icecast-style; the flow is transcoded from it like from the test source. The main
 * pipeline reads raw video and audio from `intervideosrc`/`interaudiosrc` (black and silence while
 * no producer is connected, so the mounts never stop); each producer connection gets a pipeline
 * of its own — `fdsrc` on the producer's socket fd (no byte passes through JavaScript) →
 * `decodebin` → scaled, rate-converted raw media → `intervideosink`/`interaudiosink`. A stream
 * with video only or audio only is fine: once the decoder has exposed its pads, the branch no pad
 * linked is removed ({@link pruneUnlinkedBranches}) so the pipeline does not wait for it (the
 * mounts carry black or silence for the missing kind). A producer that sends nothing for
 * `stallTimeout` seconds, at the start or later, is dropped, so it cannot hold the one producer
 * slot. One producer at a time. Hungry without a producer, happy with one.
 * Tests: test/components/ingest.test.ts (protocol), test/cli/serve.test.ts (a producer process),
 * test/cli/ingest-producers.test.ts (video-only, audio-only, silent and stalled producers).
 */
import { fail, succeed, type Deferred } from '../defer/deferred';
import type { Failure } from '../defer/failure';
import type { Detachable } from '../gst/fd-sink-types';
import { pruneUnlinkedBranches } from '../gst/branches';
import { FdSource } from '../gst/fd-source';
import type { GstReactor } from '../gst/host';
import { Pipeline } from '../gst/pipeline';
import { getLogger } from '../log';
import { Component, feederTee, type AttachContext, type ComponentStats } from './component';
import { ComponentError } from './errors';
import type { ProducerFormat } from './ingest-protocol';

/** Options of {@link IngestSource}. */
export interface IngestSourceOptions {
  readonly width?: number;
  readonly height?: number;
  readonly framerate?: number;
  /** Seconds without a byte from the producer before it is dropped (default 10; 0: never). */
  readonly stallTimeout?: number;
}

/** The elements of each branch of a producer pipeline, by the kind of stream they carry. */
const BRANCHES = {
  video: ['video-queue', 'video-convert', 'video-scale', 'video-rate', 'video-caps', 'video-sink'],
  audio: ['audio-queue', 'audio-convert', 'audio-resample', 'audio-caps', 'audio-sink'],
} as const;

let channels = 0;

/** Raw video and audio from whoever is pushing a stream right now. */
export class IngestSource extends Component {
  readonly kind = 'ingest-source';
  readonly feeders: readonly string[] = ['video', 'audio'];
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
  private readonly channel: string;
  private reactor: GstReactor | null = null;
  private producer: Pipeline | null = null;
  private producers = 0;
  private peer: string | null = null;
  private format: ProducerFormat = 'stream';
  private kinds: readonly string[] = [];
  readonly stallTimeout: number;

  constructor(name: string, options: IngestSourceOptions = {}) {
    super(name, []);
    this.width = options.width ?? 320;
    this.height = options.height ?? 240;
    this.framerate = options.framerate ?? 15;
    this.stallTimeout = options.stallTimeout ?? 10;
    if (!(this.stallTimeout >= 0)) throw new ComponentError(`${name}: stallTimeout must be 0 or more seconds`);
    channels += 1;
    this.channel = `torsion-${name}-${channels}`;
  }

  /** True while a producer is connected. */
  get busy(): boolean {
    return this.producer !== null;
  }

  fragment(): string {
    return `intervideosrc name=${this.name}-videosrc channel=${this.channel}`
      + ` ! video/x-raw,width=${this.width},height=${this.height},framerate=${this.framerate}/1 ! ${feederTee(this.feedElement('video'))}`
      + `  interaudiosrc name=${this.name}-audiosrc channel=${this.channel}`
      + ` ! audio/x-raw,rate=44100,channels=2 ! ${feederTee(this.feedElement('audio'))}`;
  }

  /** The producer-side pipeline (fdsrc named `src`); a GDP stream is depayloaded first. Branches are named as in `BRANCHES`. */
  producerLaunchLine(format: ProducerFormat = 'stream'): string {
    return `fdsrc name=src ! ${format === 'gdp' ? 'gdpdepay ! ' : ''}decodebin name=d`
      + ' d. ! queue name=video-queue ! videoconvert name=video-convert ! videoscale name=video-scale ! videorate name=video-rate'
      + ` ! capsfilter name=video-caps caps=video/x-raw,width=${this.width},height=${this.height},framerate=${this.framerate}/1`
      + ` ! intervideosink name=video-sink channel=${this.channel}`
      + ' d. ! queue name=audio-queue ! audioconvert name=audio-convert ! audioresample name=audio-resample'
      + ` ! capsfilter name=audio-caps caps=audio/x-raw,rate=44100,channels=2 ! interaudiosink name=audio-sink channel=${this.channel}`;
  }

  override attach(context: AttachContext): void {
    this.reactor = context.reactor;
  }

  override start(): Deferred<void> {
    this.setMood(this.producer === null ? 'hungry' : 'happy', this.producer === null ? 'no producer' : '');
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    const p = this.producer;
    this.producer = null;
    return p === null ? succeed(undefined) : p.dispose();
  }

  override stats(): ComponentStats {
    return { ...super.stats(), producer: this.peer, producers: this.producers,
      ...(this.peer === null ? {} : { format: this.format, streams: [...this.kinds] }) };
  }

  /**
   * Takes a producer's connection (after its request was accepted): its fd goes to a new
   * pipeline's fdsrc. Fails with {@link ComponentError} when another producer is connected.
   */
  acceptProducer(source: Detachable, peer: string, format: ProducerFormat = 'stream'): Deferred<void> {
    const reactor = this.reactor;
    if (reactor === null) return fail(new ComponentError(`${this.name} is not running`));
    if (this.producer !== null) return fail(new ComponentError(`${this.name} already has a producer`));
    const log = getLogger();
    let pipeline: Pipeline;
    try {
      pipeline = Pipeline.launch(this.producerLaunchLine(format), { reactor });
    } catch (error) {
      return fail(error);
    }
    this.producer = pipeline;
    this.producers += 1;
    this.peer = peer;
    this.format = format;
    this.kinds = [];
    const ended = (why: string): void => {
      if (this.producer !== pipeline) return;
      this.producer = null;
      this.peer = null;
      this.kinds = [];
      log.info('producer left', { component: this.name, peer, why });
      void pipeline.dispose();
      if (this.mood !== 'sad') this.setMood('hungry', 'no producer');
    };
    pipeline.messages$.subscribe((m) => {
      if (m.type === 'error') ended(m.error?.message ?? 'error');
      else if (m.type === 'eos') ended('end of stream');
      else if (m.type === 'element' && m.structure?.startsWith('GstFdSrcTimeout') === true) ended(`no data for ${this.stallTimeout} s`);
    });
    pruneUnlinkedBranches(pipeline, 'd', BRANCHES).addCallbacks((kinds) => {
      if (this.producer !== pipeline) return;
      this.kinds = kinds;
      if (kinds.length === 0) ended('no audio or video in the stream');
      else log.info('producer streams', { component: this.name, peer, streams: kinds });
    }, () => null); // disposed first: ended() already said why
    const timeout = this.stallTimeout > 0 ? { timeout: this.stallTimeout } : {};
    return FdSource.adopt(pipeline, 'src', source, timeout)
      .addCallback(() => pipeline.setState('playing'))
      .addCallbacks(() => {
        log.info('producer connected', { component: this.name, peer, format });
        if (this.producer === pipeline) this.setMood('happy');
      }, (failure: Failure) => {
        ended(failure.getErrorMessage());
        return failure;
      }) as Deferred<void>;
  }
}
