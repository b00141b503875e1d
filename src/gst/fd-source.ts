/**
 * `FdSource`: an fdsrc reading an fd we own — the receiving side of a feed (a socket detached from
 * a transport after authentication) or a pipe (e.g. the stdout of a child that writes GDP). The
 * fd must be set before READY (fdsrc reads `fd` on start), EOS arrives on the pipeline when the
 * peer closes, and the fd is closed when the pipeline stops or is disposed (fdsrc never closes it).
 * Tests: test/gst/fd-source.test.ts.
 */
import { Deferred, succeed } from '../defer/deferred';
import { GstElementNotFound, GstOptionsError, SinkAddError } from './errors';
import { asPluginElement, factoryName } from './element-util';
import type { FdSrcElement } from './elements';
import type { Detachable } from './fd-sink';
import { closeFd } from './fd-util';
import { internalsOf, type PipelineInternals } from './internals';
import type { StopParticipant } from './participant';
import type { Pipeline } from './pipeline';

/** Options of {@link FdSource.adopt}. */
export interface FdSourceOptions {
  /** Post a `GstFdSrcTimeout` element message after this many seconds without data (written in µs, PITFALLS 16). */
  readonly timeout?: number;
  /** Mark the source live (default false). */
  readonly isLive?: boolean;
}

const READY = 2;

/** An fdsrc element of a pipeline and the fd it reads, owned until the pipeline stops. */
export class FdSource implements StopParticipant {
  private currentFd: number;
  private readonly element: FdSrcElement;

  /**
   * Give `fd` (owned) — or the fd of a detached transport — to the fdsrc named `elementName`.
   * The pipeline must be in NULL. The Deferred fires once the fd is set; a transport's leftover
   * bytes are lost (PITFALLS 9: make the peer wait for a go-ahead).
   */
  static adopt(pipeline: Pipeline, elementName: string, source: number | Detachable, options: FdSourceOptions = {}): Deferred<FdSource> {
    const internals = internalsOf(pipeline);
    const element = internals.getElement(elementName);
    if (factoryName(element) !== 'fdsrc') throw new GstElementNotFound(elementName, `Element '${elementName}' is not an fdsrc.`);
    if (options.timeout !== undefined && !(options.timeout >= 0 && Number.isFinite(options.timeout))) {
      throw new GstOptionsError('timeout must be a finite number of seconds >= 0.');
    }
    const fdsrc = asPluginElement<FdSrcElement>(element);
    const make = (fd: number): FdSource => {
      if (internals.isDisposing() || internals.currentState() >= READY) {
        closeFd(fd);
        throw new SinkAddError(internals.isDisposing() ? 'disposed' : 'not-ready', 'fdsrc takes its fd before READY: adopt it while the pipeline is NULL.');
      }
      return new FdSource(internals, fdsrc, fd, options);
    };
    if (typeof source === 'number') return succeed(source).addCallback(make);
    const d = new Deferred<number>();
    source.detach().then((detached) => d.callback(detached.fd), (error: unknown) => d.errback(error));
    return d.addCallback(make);
  }

  private constructor(private readonly pipeline: PipelineInternals, element: FdSrcElement, fd: number, options: FdSourceOptions) {
    this.element = element;
    this.currentFd = fd;
    element.fd = fd;
    if (options.timeout !== undefined) element.timeout = BigInt(Math.round(options.timeout * 1e6));
    if (options.isLive !== undefined) element.isLive = options.isLive;
    pipeline.addParticipant(this);
  }

  /** The fd being read, or -1 once closed. */
  get fd(): number {
    return this.currentFd;
  }

  /** @internal StopParticipant: nothing of ours runs on the streaming thread. */
  beforeStop(): void {
    // fdsrc emits no signals to JS.
  }

  /** @internal StopParticipant: fdsrc stopped reading; the fd is ours to close. */
  afterStop(_final: boolean): void {
    if (this.currentFd >= 0) closeFd(this.currentFd);
    this.currentFd = -1;
    this.pipeline.removeParticipant(this);
  }
}
