/**
 * `DiskRecorder`: writes a muxed feed to files, as Flumotion's disker did: the feed ends in a
 * multifdsink and each file is one more "client" — an fd opened here and handed to an
 * {@link FdSink}, which starts it on the next keyframe with the stream headers, so every file
 * plays on its own. Rotation (`rotateSeconds`) opens the next file, hands it over, and removes the
 * previous one `overlapSeconds` later (the files overlap a little rather than leave a gap). Files
 * are named `file` first, then `name-1.ext`, `name-2.ext`, … (also after a flow restart, so
 * nothing is overwritten). A file that cannot be opened turns the recorder sad without stopping
 * the streams. Tests: test/components/flow.test.ts (the fragment), test/cli/serve.test.ts (real
 * recordings, rotation, a broken directory).
 */
import { openSync } from 'node:fs';
import { succeed, type Deferred } from '../defer/deferred';
import type { DelayedCall, ReactorTime } from '../defer/time';
import { FdSink } from '../gst/fd-sink';
import type { SinkClient } from '../gst/sink-client';
import { getLogger } from '../log';
import { Component, branch, type AttachContext, type ComponentStats } from './component';

/** Options of {@link DiskRecorder}. */
export interface DiskRecorderOptions {
  /** Start a new file every this many seconds (default: never). */
  readonly rotateSeconds?: number;
  /** Seconds the old file keeps recording after the new one starts (default 2). */
  readonly overlapSeconds?: number;
}

/** The n-th file name: `dir/rec.webm`, then `dir/rec-1.webm`, `dir/rec-2.webm`, … */
export function recordingFileName(file: string, n: number): string {
  if (n === 0) return file;
  const slash = file.lastIndexOf('/');
  const dot = file.lastIndexOf('.');
  return dot > slash + 1 ? `${file.slice(0, dot)}-${n}${file.slice(dot)}` : `${file}-${n}`;
}

/** Writes one muxed feed to (rotating) files. */
export class DiskRecorder extends Component {
  readonly kind = 'disk-recorder';
  readonly feeders: readonly string[] = [];
  private sink: FdSink | null = null;
  private time: ReactorTime | null = null;
  private current: SinkClient | null = null;
  private rotation: DelayedCall | null = null;
  private readonly retiring = new Set<DelayedCall>();
  private count = 0;
  private currentFile: string | null = null;
  private readonly rotateSeconds: number | null;
  private readonly overlapSeconds: number;

  constructor(name: string, eater: string, readonly location: string, options: DiskRecorderOptions = {}) {
    super(name, [eater]);
    this.rotateSeconds = options.rotateSeconds ?? null;
    this.overlapSeconds = options.overlapSeconds ?? 2;
  }

  /** Files opened so far. */
  get files(): number {
    return this.count;
  }

  fragment(inputs: readonly string[]): string {
    return `${branch(inputs[0] ?? '')} ! multifdsink name=${this.name}-sink sync=false`;
  }

  override attach(context: AttachContext): void {
    // New files start at a keyframe, with the stream headers.
    this.sink = FdSink.attach(context.pipeline, `${this.name}-sink`, { syncMethod: 'next-keyframe' });
    this.time = context.time;
  }

  override start(): Deferred<void> {
    if (this.next()) this.setMood('happy');
    this.scheduleRotation();
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    if (this.rotation?.active() === true) this.rotation.cancel();
    this.rotation = null;
    for (const t of this.retiring) if (t.active()) t.cancel();
    this.retiring.clear();
    this.current = null; // the pipeline's disposal removes the clients and closes the fds
    return succeed(undefined);
  }

  override stats(): ComponentStats {
    return { ...super.stats(), location: this.location, file: this.currentFile, files: this.count };
  }

  /** Opens the next file and hands it to the sink; false (and sad) if it cannot be opened. */
  private next(): boolean {
    const sink = this.sink;
    const time = this.time;
    if (sink === null || time === null) return false;
    const file = recordingFileName(this.location, this.count);
    let fd: number;
    try {
      fd = openSync(file, 'w', 0o644);
    } catch (error) {
      getLogger().error('cannot open the recording file', { component: this.name, file, error });
      this.setMood('sad', `cannot open ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    this.count += 1;
    this.currentFile = file;
    getLogger().info('recording', { component: this.name, file });
    const previous = this.current;
    this.current = sink.addClient(fd);
    this.current.done.addCallback((result) => {
      if (result.reason !== 'removed') getLogger().warn('recording ended', { component: this.name, file, reason: result.reason });
      return result;
    });
    if (previous !== null) {
      const retire = time.callLater(this.overlapSeconds, () => {
        this.retiring.delete(retire);
        previous.remove();
      });
      this.retiring.add(retire);
    }
    return true;
  }

  /** Every `rotateSeconds`, the next file (a failed open is tried again at the next rotation). */
  private scheduleRotation(): void {
    const time = this.time;
    if (this.rotateSeconds === null || time === null) return;
    this.rotation = time.callLater(this.rotateSeconds, () => {
      this.rotation = null;
      if (this.next() && this.mood === 'sad') this.setMood('happy');
      this.scheduleRotation();
    });
  }
}
