/**
 * The example authenticated stream server (what `npm start` runs): a live test source served as
 * WebM and Ogg over HTTP. Viewers authenticate with an HMAC token (`?token=`); after that Node
 * writes the response head and hands the socket's fd to multifdsink, so no media byte passes
 * through JavaScript. A status page (`/`) plays the WebM mount; `/stats` is JSON.
 */
import {
  FdSink, GLibReactor, HmacTokenBouncer, HmacTokenKeycard, HttpHandoffFactory, Pipeline, anchoredClock, getLogger,
  mintToken, type Address, type Bouncer, type Deferred, type HandoffRequest, type HttpMount, type HttpPlainResponse,
  type HttpRequestHead, type ListeningPort, type Transport,
} from 'torsion';
import { defaultTestSource, testSourceLaunch } from './pipeline';
import { statusPage } from './status-page';

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  /** The HMAC secret tokens are signed with. */
  readonly secret: string;
  /** Most viewers per mount; more are answered 503. */
  readonly maxViewers: number;
}

interface MountState {
  readonly path: string;
  readonly contentType: string;
  readonly sink: FdSink;
  viewers: number;
  served: number;
}

export interface RunningServer {
  readonly reactor: GLibReactor;
  readonly port: ListeningPort;
  /** A token valid for every path, for `ttl` seconds from now. */
  token(ttlSeconds: number, path?: string): string;
  /** Resolves when the server has shut down (after SIGINT/SIGTERM or `stop()`). */
  readonly stopped: Promise<void>;
  stop(): void;
}

/** Starts the reactor, the pipeline and the HTTP hand-off; resolves once listening. */
export function startServer(options: ServerOptions): Promise<RunningServer> {
  const log = getLogger();
  const reactor = new GLibReactor();
  const wallClock = anchoredClock(reactor, Date.now() / 1000);
  const bouncer: Bouncer = new HmacTokenBouncer({ secret: options.secret, clock: wallClock });

  const pipeline = Pipeline.launch(testSourceLaunch(defaultTestSource), { reactor });
  const policy = {
    syncMethod: 'latest-keyframe' as const,
    // A viewer more than ~8 MB behind is dropped; past 2 MB it is moved to the latest keyframe.
    limits: { format: 'bytes' as const, softMax: 2_000_000, hardMax: 8_000_000, recoverPolicy: 'keyframe' as const },
    clientTimeout: 20,
  };
  const mounts = new Map<string, MountState>([
    ['/live.webm', { path: '/live.webm', contentType: 'video/webm', sink: FdSink.attach(pipeline, 'webm', policy), viewers: 0, served: 0 }],
    ['/live.ogg', { path: '/live.ogg', contentType: 'video/ogg', sink: FdSink.attach(pipeline, 'ogg', policy), viewers: 0, served: 0 }],
  ]);
  let playing: Deferred<unknown> | null = null;

  const httpMount = (state: MountState): HttpMount => ({
    contentType: state.contentType,
    whenReady: () => playing,
    refusal: () => (state.viewers >= options.maxViewers ? `${state.path} has reached ${options.maxViewers} viewers` : null),
    handOff: (transport: Transport, request: HandoffRequest) => {
      state.viewers += 1;
      state.served += 1;
      const client = state.sink.addClient(transport);
      log.info('viewer added', { path: state.path, peer: request.peer, identity: request.identity });
      client.done.addCallback((result) => {
        state.viewers -= 1;
        log.info('viewer left', { path: state.path, peer: request.peer, reason: result.reason,
          bytesSent: result.bytesSent.toString(), seconds: Math.round(result.seconds) });
        return result;
      });
    },
  });

  const stats = (): Record<string, unknown> => ({
    mounts: [...mounts.values()].map((m) => ({ path: m.path, contentType: m.contentType, viewers: m.viewers, served: m.served })),
    uptimeSeconds: Math.round(reactor.seconds() - startedAt),
  });

  const other = (head: HttpRequestHead, peer: Address): Deferred<HttpPlainResponse | null> | null => {
    if (head.path !== '/' && head.path !== '/stats') return null;
    const token = head.query.get('token') ?? '';
    return bouncer.authenticate(new HmacTokenKeycard({ token, path: head.path, address: peer }))
      .addCallbacks((): HttpPlainResponse => (head.path === '/stats'
        ? { status: 200, headers: { 'Content-Type': 'application/json' }, body: `${JSON.stringify(stats())}\n` }
        : { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: statusPage(stats(), token) }),
      (): HttpPlainResponse => ({ status: 401, headers: { 'WWW-Authenticate': 'Basic realm="torsion"' }, body: 'a valid ?token= is required\n' }));
  };

  const factory = new HttpHandoffFactory({
    mount: (path) => { const m = mounts.get(path); return m === undefined ? undefined : httpMount(m); },
    bouncer,
    time: reactor,
    other,
  });

  const startedAt = reactor.seconds();
  reactor.addSystemEventTrigger('before', 'shutdown', () => {
    log.info('shutting down: closing viewers and the pipeline');
    return pipeline.dispose();
  });
  const stopped = reactor.run().asPromise();
  playing = pipeline.setState('playing').addCallback((state) => { playing = null; log.info('pipeline playing'); return state; });
  playing.addErrback((failure) => { log.error('pipeline failed to start', { error: failure.value }); reactor.stop(); return null; });

  return reactor.listenTCP(options.port, factory, { interface: options.host }).asPromise().then((port) => ({
    reactor,
    port,
    token: (ttl: number, path = '/') => mintToken(options.secret, path, Math.floor(wallClock.seconds()) + ttl),
    stopped,
    stop: () => { if (reactor.running) reactor.stop(); },
  }));
}
