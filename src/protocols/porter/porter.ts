/**
 * `Porter`: one public port in front of several streamer processes (Flumotion's porter, §A.7 of
 * the prior-art notes). The porter forks each configured streamer with a Node IPC channel and
 * routes each request line's path to the streamer configured for it — a static path → streamer
 * map, so the porter alone decides who owns what; a streamer's `ready` message only makes it
 * routable. Unknown path → 404; its streamer not (or no longer) up → 503. A streamer that exits is
 * dropped; the porter does not restart it. Tests: test/protocols/porter/porter.test.ts.
 */
import type { Deferred } from '../../defer/deferred';
import { gatherResults } from '../../defer/deferred-list';
import type { Failure } from '../../defer/failure';
import type { ReactorTime } from '../../defer/time';
import { PorterError } from './errors';
import { PorterFactory, type PorterRoute, type PorterRouter } from './porter-protocol';
import type { RequestLine } from './request-line';
import { RouteTable } from './route-table';
import { StreamerProcess, type StreamerSpec } from './streamer-process';

/** Options of {@link Porter}. */
export interface PorterOptions {
  readonly time: ReactorTime;
  readonly streamers: readonly StreamerSpec[];
  /** Seconds a client has to send its request line (default 30). */
  readonly lineTimeout?: number;
  /** Longest request line (default 4096 bytes). */
  readonly maxLineBytes?: number;
}

/** Routes public connections to streamer processes; see the module comment. */
export class Porter implements PorterRouter {
  /** The factory to listen with: `reactor.listenTCP(port, porter.factory)`. */
  readonly factory: PorterFactory;
  private readonly table = new RouteTable<StreamerSpec>();
  private readonly running = new Map<string, StreamerProcess>();

  constructor(private readonly options: PorterOptions) {
    const names = new Set<string>();
    for (const spec of options.streamers) {
      if (names.has(spec.name)) throw new PorterError(`two streamers are named ${spec.name}`);
      names.add(spec.name);
      for (const path of spec.paths) this.table.add(path, spec);
    }
    this.factory = new PorterFactory({
      router: this, time: options.time,
      ...(options.lineTimeout === undefined ? {} : { lineTimeout: options.lineTimeout }),
      ...(options.maxLineBytes === undefined ? {} : { maxLineBytes: options.maxLineBytes }),
    });
  }

  /**
   * Forks every streamer that is not running; fires once all of them are ready (fails with
   * `PorterPassFailed` if one exits first). Call {@link Porter.start} again to restart dropped ones.
   */
  start(): Deferred<StreamerProcess[]> {
    const readies = this.options.streamers.map((spec) => {
      const current = this.running.get(spec.name);
      if (current !== undefined && current.state !== 'gone') return current.ready;
      const streamer = StreamerProcess.fork(spec);
      this.running.set(spec.name, streamer);
      return streamer.ready;
    });
    return gatherResults(readies, { consumeErrors: true }).addErrback((failure: Failure) => {
      const first = (failure.value as { subFailure?: Failure }).subFailure;
      throw first?.value ?? failure.value;
    }) as Deferred<StreamerProcess[]>;
  }

  /** The streamer process named `name` (the latest one started), if any. */
  streamer(name: string): StreamerProcess | undefined {
    return this.running.get(name);
  }

  route(line: RequestLine): PorterRoute {
    const spec = this.table.lookup(line.path);
    if (spec === undefined) return { kind: 'unknown' };
    const streamer = this.running.get(spec.name);
    if (streamer === undefined || streamer.state !== 'ready') {
      return { kind: 'unavailable', reason: `the streamer for ${line.path} is not up` };
    }
    return {
      kind: 'pass',
      pass: (fd, prefix, path) => streamer.pass(fd, prefix, path),
    };
  }

  /** Stops every streamer (SIGTERM); fires once all have exited. */
  stop(): Deferred<unknown> {
    const exits = [...this.running.values()].map((s) => s.kill());
    return gatherResults(exits, { consumeErrors: true });
  }
}
