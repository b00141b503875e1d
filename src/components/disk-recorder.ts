/**
 * `DiskRecorder`: writes a muxed feed to files, as Flumotion's disker did: the feed ends in a
 * multifdsink and each file is one more "client" — an fd opened here and handed to an
 * {@link FdSink}, which starts it on the next keyframe with the stream headers, so every file
 * plays on its own. Rotation (every `rotateSeconds`, or once the file reaches `rotateBytes`, checked
 * each second) opens the next file, hands it over, and removes the previous one `overlapSeconds`
 * later (the files overlap a little rather than leave a gap). Files
 * are named `file` first, then `name-1.ext`, `name-2.ext`, … (also after a flow restart, so
 * nothing is overwritten). A file that cannot be opened, or whose writes fail (the sink drops it
 * with `error`), turns the recorder sad without stopping the streams; the next file is tried every
 * `retrySeconds`, and the recorder is happy again once a file is open and being written to.
 * Tests: test/components/disk-recorder.test.ts (a failing file and the recovery, real pipeline),
 * test/components/flow.test.ts (the fragment), test/cli/serve.test.ts (real recordings, rotation,
 * a broken directory), test/reliability/faults.test.ts (a FIFO whose reader goes away).
 */
import { openSync, statSync } from 'node:fs';
import { succeed, type Deferred } from '../defer/deferred';
import type { DelayedCall, ReactorTime } from '../defer/time';
import { FdSink } from '../gst/fd-sink';
import type { ClientResult, SinkClient } from '../gst/sink-client';
import { getLogger } from '../log';
import { Component, branch, type AttachContext, type ComponentStats } from './component';
import { ComponentError } from './errors';

/** Options of {@link DiskRecorder}. */
export interface DiskRecorderOptions {
  /** Start a new file every this many seconds (default: never). */
  readonly rotateSeconds?: number;
  /** Start a new file once the current one has this many bytes, checked every second (default: never). */
  readonly rotateBytes?: number;
  /** Seconds the old file keeps recording after the new one starts (default 2). */
  readonly overlapSeconds?: number;
  /** Seconds between attempts at the next file after one could not be opened or written (default 5). */
  readonly retrySeconds?: number;
}

/** How often a reopened file is checked for its first written bytes, in seconds. */
const WRITE_CHECK_SECONDS = 0.25;

/** How often the current file's size is compared with `rotateBytes`, in seconds. */
const SIZE_CHECK_SECONDS = 1;

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
  private running = false;
  private current: SinkClient | null = null;
  private rotation: DelayedCall | null = null;
  private retry: DelayedCall | null = null;
  private writeCheck: DelayedCall | null = null;
  private sizeCheck: DelayedCall | null = null;
  private readonly retiring = new Set<DelayedCall>();
  private count = 0;
  private failureCount = 0;
  private lastFailure: string | null = null;
  private currentFile: string | null = null;
  private readonly rotateSeconds: number | null;
  private readonly rotateBytes: number | null;
  private readonly overlapSeconds: number;
  private readonly retrySeconds: number;

  constructor(name: string, eater: string, readonly location: string, options: DiskRecorderOptions = {}) {
    super(name, [eater]);
    this.rotateSeconds = options.rotateSeconds ?? null;
    this.rotateBytes = options.rotateBytes ?? null;
    if (this.rotateBytes !== null && !(this.rotateBytes >= 1)) throw new ComponentError(`${name}: rotateBytes must be at least 1.`);
    this.overlapSeconds = options.overlapSeconds ?? 2;
    this.retrySeconds = options.retrySeconds ?? 5;
  }

  /** Files opened so far. */
  get files(): number {
    return this.count;
  }

  /** Files that could not be opened or written so far. */
  get failures(): number {
    return this.failureCount;
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
    this.running = true;
    if (this.open()) this.setMood('happy');
    this.scheduleRotation();
    this.scheduleSizeCheck();
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    this.running = false;
    for (const call of [this.rotation, this.retry, this.writeCheck, this.sizeCheck, ...this.retiring]) if (call?.active() === true) call.cancel();
    this.rotation = null;
    this.sizeCheck = null;
    this.retry = null;
    this.writeCheck = null;
    this.retiring.clear();
    this.current = null; // the pipeline's disposal removes the clients and closes the fds
    return succeed(undefined);
  }

  override stats(): ComponentStats {
    return {
      ...super.stats(), location: this.location, file: this.currentFile, files: this.count,
      failures: this.failureCount, lastFailure: this.lastFailure, retrying: this.retry?.active() === true,
    };
  }

  /**
   * Opens the next file and hands it to the sink; true if the sink has it. On a failure the
   * recorder turns sad and tries again in `retrySeconds`.
   */
  private open(): boolean {
    const sink = this.sink;
    const time = this.time;
    if (sink === null || time === null || !this.running) return false;
    if (this.retry?.active() === true) this.retry.cancel();
    this.retry = null;
    const file = recordingFileName(this.location, this.count);
    let fd: number;
    try {
      fd = openSync(file, 'w', 0o644);
    } catch (error) {
      getLogger().error('cannot open the recording file', { component: this.name, file, error });
      this.failed(`cannot open ${file}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
    this.count += 1;
    getLogger().info('recording', { component: this.name, file });
    const previous = this.current;
    const client = sink.addClient(fd);
    this.current = client;
    this.currentFile = file;
    // May run at once (a sink that refuses the fd), which leaves `current` null.
    client.done.addCallback((result) => {
      this.ended(client, file, result);
      return result;
    });
    if (previous !== null) {
      const retire = time.callLater(this.overlapSeconds, () => {
        this.retiring.delete(retire);
        previous.remove();
      });
      this.retiring.add(retire);
    }
    return this.current === client;
  }

  /** A file left the sink: by rotation or stop (`removed`), or because writing it failed. */
  private ended(client: SinkClient, file: string, result: ClientResult): void {
    if (result.reason === 'removed') return;
    getLogger().warn('recording ended', { component: this.name, file, reason: result.reason, ...(result.error === undefined ? {} : { error: result.error }) });
    // An old file in its overlap: the current one goes on.
    if (client !== this.current || !this.running) return;
    this.current = null;
    this.currentFile = null;
    const why = result.error === undefined ? `the sink dropped it: ${result.reason}` : result.error.message;
    this.failed(`cannot write ${file} (${why})`);
  }

  /** Sad with `reason`, and the next file in `retrySeconds`. */
  private failed(reason: string): void {
    this.failureCount += 1;
    this.lastFailure = reason;
    this.setMood('sad', reason);
    const time = this.time;
    if (time === null || !this.running || this.retry?.active() === true) return;
    getLogger().info('recording retry', { component: this.name, inSeconds: this.retrySeconds });
    this.retry = time.callLater(this.retrySeconds, () => {
      this.retry = null;
      if (this.open()) this.happyOnceWritten();
    });
  }

  /**
   * Happy again once the current file is written to: the sink's bytes-served grows while it is
   * the sink's only client (an older file in its overlap would count too, so it is waited out).
   */
  private happyOnceWritten(): void {
    const sink = this.sink;
    const time = this.time;
    const client = this.current;
    if (sink === null || time === null || client === null || this.mood !== 'sad') return;
    if (this.writeCheck?.active() === true) this.writeCheck.cancel();
    let mark = sink.stats().bytesServed;
    const check = (): void => {
      this.writeCheck = null;
      if (!this.running || this.current !== client || this.mood !== 'sad') return;
      const served = sink.stats().bytesServed;
      if (sink.size === 1 && served > mark) {
        this.setMood('happy');
        return;
      }
      if (sink.size > 1) mark = served;
      this.writeCheck = time.callLater(WRITE_CHECK_SECONDS, check);
    };
    this.writeCheck = time.callLater(WRITE_CHECK_SECONDS, check);
  }

  /** Every `rotateSeconds`, the next file (a failed open is also retried every `retrySeconds`). */
  private scheduleRotation(): void {
    const time = this.time;
    if (this.rotateSeconds === null || time === null) return;
    this.rotation = time.callLater(this.rotateSeconds, () => {
      this.rotation = null;
      if (this.open() && this.mood === 'sad') this.happyOnceWritten();
      this.scheduleRotation();
    });
  }

  /** Every second with `rotateBytes`: the next file once the current one is that big. */
  private scheduleSizeCheck(): void {
    const time = this.time;
    const limit = this.rotateBytes;
    if (limit === null || time === null) return;
    this.sizeCheck = time.callLater(SIZE_CHECK_SECONDS, () => {
      this.sizeCheck = null;
      if (!this.running) return;
      const file = this.currentFile;
      let bytes = 0;
      try {
        bytes = file === null ? 0 : statSync(file).size;
      } catch {
        // Gone or unreadable: the sink reports write failures; nothing to measure here.
      }
      if (bytes >= limit) {
        getLogger().info('recording rotated by size', { component: this.name, file, bytes });
        if (this.open() && this.mood === 'sad') this.happyOnceWritten();
      }
      this.scheduleSizeCheck();
    });
  }
}
