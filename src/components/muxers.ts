/**
 * Muxers: WebM (streamable) and Ogg. A muxer eats one or more encoded feeds (each through its own
 * queue) and feeds `default`, the muxed stream with its stream headers in the caps, ready for an
 * HTTP streamer or a disk recorder. Tests: test/components/flow.test.ts.
 */
import { Component, branch, feederTee } from './component';

/** The container formats. */
export type MuxFormat = 'webm' | 'ogg';

/** The HTTP `Content-Type` of a muxed stream: `video/webm`, `audio/ogg`, … */
export function contentTypeOf(format: MuxFormat, audioOnly: boolean): string {
  return `${audioOnly ? 'audio' : 'video'}/${format}`;
}

/** A WebM or Ogg muxer. */
export class Muxer extends Component {
  readonly kind: string;
  readonly feeders = ['default'] as const;
  /** The HTTP `Content-Type` of the muxed stream. */
  readonly contentType: string;

  constructor(name: string, readonly format: MuxFormat, eaters: readonly string[], options: { readonly audioOnly?: boolean } = {}) {
    super(name, eaters);
    this.kind = `${format}-muxer`;
    this.contentType = contentTypeOf(format, options.audioOnly === true);
  }

  fragment(inputs: readonly string[]): string {
    const mux = this.format === 'webm' ? `webmmux name=${this.name}-mux streamable=true` : `oggmux name=${this.name}-mux`;
    return [`${mux} ! ${feederTee(this.feedElement('default'))}`, ...inputs.map((i) => `${branch(i)} ! ${this.name}-mux.`)].join('  ');
  }
}
