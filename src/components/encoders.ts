/**
 * Encoders: VP8 and Theora for video, Vorbis and Opus for audio. Each eats one raw feed and feeds
 * `default` (the encoded stream). Keyframes come at least once a second by default, so late
 * viewers start fast (PITFALLS 14). Tests: test/components/flow.test.ts.
 */
import { Component, branch, feederTee } from './component';

/** The video codecs. */
export type VideoCodec = 'vp8' | 'theora';
/** The audio codecs. */
export type AudioCodec = 'vorbis' | 'opus';

/** Options of {@link VideoEncoder}. */
export interface VideoEncoderOptions {
  /** Target bitrate in bits per second (default 400,000). */
  readonly bitrate?: number;
  /** Frames between keyframes (default 15). */
  readonly keyframeDistance?: number;
}

/** Options of {@link AudioEncoder}. */
export interface AudioEncoderOptions {
  /** Bitrate in bits per second (Opus; default 64,000) — Vorbis uses `quality`. */
  readonly bitrate?: number;
  /** Vorbis quality, -0.1 to 1 (default 0.2). */
  readonly quality?: number;
}

/** A VP8 or Theora encoder. */
export class VideoEncoder extends Component {
  readonly kind: string;
  readonly feeders = ['default'] as const;
  private readonly bitrate: number;
  private readonly keyframes: number;

  constructor(name: string, readonly codec: VideoCodec, eater: string, options: VideoEncoderOptions = {}) {
    super(name, [eater]);
    this.kind = `${codec}-encoder`;
    this.bitrate = Math.round(options.bitrate ?? 400_000);
    this.keyframes = Math.round(options.keyframeDistance ?? 15);
  }

  fragment(inputs: readonly string[]): string {
    const head = `${branch(inputs[0] ?? '', 'max-size-buffers=30 leaky=downstream')} ! videoconvert`;
    const enc = this.codec === 'vp8'
      ? `vp8enc name=${this.name}-enc deadline=1 cpu-used=8 keyframe-max-dist=${this.keyframes} target-bitrate=${this.bitrate}`
      : `theoraenc name=${this.name}-enc keyframe-freq=${this.keyframes} bitrate=${Math.max(1, Math.round(this.bitrate / 1000))}`;
    return `${head} ! ${enc} ! ${feederTee(this.feedElement('default'))}`;
  }
}

/** A Vorbis or Opus encoder. */
export class AudioEncoder extends Component {
  readonly kind: string;
  readonly feeders = ['default'] as const;
  private readonly bitrate: number;
  private readonly quality: number;

  constructor(name: string, readonly codec: AudioCodec, eater: string, options: AudioEncoderOptions = {}) {
    super(name, [eater]);
    this.kind = `${codec}-encoder`;
    this.bitrate = Math.round(options.bitrate ?? 64_000);
    this.quality = options.quality ?? 0.2;
  }

  fragment(inputs: readonly string[]): string {
    const enc = this.codec === 'vorbis'
      ? `vorbisenc name=${this.name}-enc quality=${this.quality}`
      : `opusenc name=${this.name}-enc bitrate=${this.bitrate}`;
    return `${branch(inputs[0] ?? '')} ! audioconvert ! audioresample ! ${enc} ! ${feederTee(this.feedElement('default'))}`;
  }
}
