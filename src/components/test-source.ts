/**
 * `TestSource`: a live test producer — a bouncing ball (videotestsrc) and a ticking tone
 * (audiotestsrc) — with two feeds, `video` and `audio` (raw). Tests: test/components/flow.test.ts.
 */
import { Component, feederTee } from './component';

/** Options of {@link TestSource}. */
export interface TestSourceOptions {
  readonly width?: number;
  readonly height?: number;
  readonly framerate?: number;
  /** videotestsrc pattern (default `ball`). */
  readonly pattern?: string;
  /** Tone frequency in Hz (default 660). */
  readonly frequency?: number;
  /** Produce the `audio` feed (default true). */
  readonly audio?: boolean;
  /** Produce the `video` feed (default true). */
  readonly video?: boolean;
}

const PATTERN = /^[a-z0-9-]+$/;

/** A live video + audio test producer. */
export class TestSource extends Component {
  readonly kind = 'test-source';
  readonly feeders: readonly string[];
  readonly width: number;
  readonly height: number;
  readonly framerate: number;
  private readonly pattern: string;
  private readonly frequency: number;

  constructor(name: string, options: TestSourceOptions = {}) {
    super(name, []);
    this.width = options.width ?? 320;
    this.height = options.height ?? 240;
    this.framerate = options.framerate ?? 15;
    this.pattern = options.pattern ?? 'ball';
    this.frequency = options.frequency ?? 660;
    if (!PATTERN.test(this.pattern)) throw new RangeError(`bad pattern '${this.pattern}'`);
    const feeds: string[] = [];
    if (options.video !== false) feeds.push('video');
    if (options.audio !== false) feeds.push('audio');
    this.feeders = feeds;
  }

  fragment(): string {
    const parts: string[] = [];
    if (this.feeders.includes('video')) {
      parts.push(`videotestsrc name=${this.name}-videosrc is-live=true pattern=${this.pattern} motion=sweep background-color=0xff203040`
        + ` ! video/x-raw,width=${this.width},height=${this.height},framerate=${this.framerate}/1 ! ${feederTee(this.feedElement('video'))}`);
    }
    if (this.feeders.includes('audio')) {
      // Ticks are made mono and upmixed: audiotestsrc's ticks with two channels leave the second
      // one's samples unwritten now and then (seen as +683 dB peaks in `level`: noise to listeners).
      parts.push(`audiotestsrc name=${this.name}-audiosrc is-live=true wave=ticks freq=${this.frequency} volume=0.3`
        + ` ! audio/x-raw,rate=44100,channels=1 ! audioconvert name=${this.name}-upmix ! audio/x-raw,rate=44100,channels=2`
        + ` ! ${feederTee(this.feedElement('audio'))}`);
    }
    return parts.join('  ');
  }
}
