/**
 * `StreamServer`: everything `torsion serve` and `npm start` run, assembled from a
 * {@link ServerConfig} — the components in one {@link Flow}, the HTTP hand-off with auth (HMAC
 * tokens; with a password file, a `first` chain of token and password bouncers), both behind a
 * per-address failure rate limit, limits (viewers per mount, total bandwidth → 503), a status page
 * at `/`, `/stats` (JSON) and `/metrics` (Prometheus), an optional TLS port (viewers bridged by
 * FdSink), and a graceful stop on reactor shutdown (SIGINT/SIGTERM): listening stops, viewers
 * are closed, the pipeline goes to NULL and fds are released. Tests: test/cli/serve.test.ts,
 * test/components/stream-server.test.ts.
 */
import { readFileSync } from 'node:fs';
import { Deferred, fail, succeed } from '../defer/deferred';
import { DeferredList } from '../defer/deferred-list';
import type { Failure } from '../defer/failure';
import { FeedServer } from '../gst/feeds/feed-server';
import type { GstReactor } from '../gst/host';
import { getLogger } from '../log';
import type { AuthResult, Bouncer } from '../protocols/auth/bouncer';
import { BouncerChain } from '../protocols/auth/bouncer-chain';
import { PasswordFileBouncer, type PasswordFileLoad } from '../protocols/auth/password-file-bouncer';
import { FailureRateLimiter, RateLimitedBouncer } from '../protocols/auth/rate-limiter';
import { decodeToken, mintToken, secretBytes } from '../protocols/auth/token';
import { HmacTokenBouncer } from '../protocols/auth/token-bouncer';
import type { WallClock } from '../protocols/auth/wall-clock';
import type { Keycard } from '../protocols/auth/keycards';
import { HttpHandoffFactory, keycardFor, type HttpPlainResponse } from '../protocols/http/handoff';
import type { HttpRequestHead } from '../protocols/http/request-head';
import type { Address } from '../reactor/interfaces/address';
import type { ListeningPort, ReactorCore, ReactorTCP, ReactorTLS } from '../reactor/interfaces/reactor';
import type { Component } from './component';
import type { ServerConfig } from './config';
import { DiskRecorder } from './disk-recorder';
import { checkLimits, HttpStreamer, type StreamerLimits } from './http-streamer';
import { ComponentError, ConfigError } from './errors';
import { IngestFactory } from './ingest-protocol';
import { Flow } from './flow';
import { ServerMetrics } from './metrics';
import { bandwidthRefusal, serverComponents, type ServerComponents } from './server-flow';
import { statusPage, type ServerStats } from './status-page';

/** The reactor a stream server needs: time, TCP/TLS, shutdown triggers, and GStreamer's loop. */
export type StreamServerReactor = GstReactor & ReactorCore & ReactorTCP & ReactorTLS;

/** Options of {@link StreamServer.start}. */
export interface StreamServerOptions {
  readonly config: ServerConfig;
  /** A running (or about to run) GLib reactor. */
  readonly reactor: StreamServerReactor;
  /** The HMAC secret viewers' tokens are signed with (at least 16 bytes). */
  readonly secret: string;
  /** Unix time for token expiry (`anchoredClock(reactor, Date.now() / 1000)`). */
  readonly wallClock: WallClock;
  /**
   * Components to run instead of those `config` describes (`torsion launch`); its HTTP streamers
   * are the mounts. `config.source`, `encoding`, `mounts` and `recordings` are then unused.
   */
  readonly components?: readonly Component[];
  /**
   * The secret shared with other servers for GDP feeds (`TORSION_FEED_SECRET`, at least 16
   * bytes): needed when `config.feeds` is set or the source is a `feed` or `relay`.
   */
  readonly feedSecret?: string;
}

/** What {@link StreamServer.reload} did with a new configuration. */
export interface ConfigReload {
  /** Settings now in force, as config paths (`maxBandwidth`, `mounts[0].maxViewers`). */
  readonly applied: readonly string[];
  /** Settings that changed but only take effect after a restart (`source`, `port`, …); the old values stay. */
  readonly needRestart: readonly string[];
  /** The password file, re-read; null without one (or when its path changed: a restart setting). */
  readonly passwords: PasswordFileLoad | null;
}

/** The server-wide settings a reload changes in place; the streamers hold their own limits. */
interface LiveSettings {
  maxBandwidth: number | null;
  expireViewers: boolean;
}

/** Top-level settings a reload cannot change in place (they shape the pipeline, the ports or the auth chain). */
const RESTART_SETTINGS = ['port', 'host', 'tls', 'passwordFile', 'source', 'feeds', 'encoding', 'recordings', 'slowViewers', 'shards', 'burst',
  'authRateLimit'] as const satisfies ReadonlyArray<keyof ServerConfig>;

/** Accept-queue depth of the viewer ports. */
const VIEWER_BACKLOG = 1024;

/**
 * The password file of the config: a file that cannot be read is a config error naming the field;
 * broken lines are logged (each names its line) and skipped, so an operator learns which users
 * cannot log in while the others still can.
 */
function openPasswordFile(path: string): PasswordFileBouncer {
  let bouncer: PasswordFileBouncer;
  try {
    bouncer = new PasswordFileBouncer(path);
  } catch (error) {
    throw new ConfigError('passwordFile', `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  for (const problem of bouncer.errors) getLogger().warn('password file line skipped', { file: path, error: problem.message });
  return bouncer;
}

/** A running stream server. */
export class StreamServer {
  private stopping: Deferred<void> | null = null;
  private readonly startedAt: number;
  /** The configuration in force: the one started with, plus what reloads applied. */
  private current: ServerConfig;

  private constructor(
    private readonly options: StreamServerOptions,
    readonly flow: Flow,
    readonly parts: ServerComponents,
    readonly metrics: ServerMetrics,
    readonly port: ListeningPort,
    readonly tlsPort: ListeningPort | null,
    readonly ingestPort: ListeningPort | null,
    /** Where this server offers its mounts as GDP feeds (`config.feeds`), or null. */
    readonly feedServer: FeedServer | null,
    readonly feedPort: ListeningPort | null,
    private readonly passwords: PasswordFileBouncer | null,
    private readonly live: LiveSettings,
  ) {
    this.startedAt = options.reactor.seconds();
    this.current = options.config;
  }

  /** The configuration in force (what {@link reload} applied included). */
  get config(): ServerConfig {
    return this.current;
  }

  /**
   * Applies a new configuration while serving (`torsion serve` re-reads its config file on
   * SIGHUP). In place, for the next viewers: `maxBandwidth`, `expireViewers`, and each mount's
   * `maxViewers`, `overflowRedirect` and `maxViewerSeconds` (mounts matched by path); viewers
   * already streaming stay. The password file is re-read ({@link reloadPasswordFile}). Anything
   * else that changed (the source, encodings, the set of mounts, ports, TLS, recordings, …) keeps
   * its old value until a restart and is listed in `needRestart`. Logs `config reloaded` (a warning
   * when something needs a restart), or why it failed. Fails (and changes nothing) with a {@link ConfigError} naming
   * the field when a new value is invalid, or with Node's error when the password file cannot be
   * read (the rest is then applied and logged; the previous users stay).
   */
  reload(next: ServerConfig): Deferred<ConfigReload> {
    const log = getLogger();
    const was = this.current;
    const needRestart: string[] = RESTART_SETTINGS.filter((key) => JSON.stringify(was[key]) !== JSON.stringify(next[key]));
    const applied: string[] = [];
    // `torsion launch` builds its streamers from the line, not from `mounts`.
    const fromConfig = this.options.components === undefined;
    const shape = (m: ServerConfig['mounts'][number]): string => JSON.stringify([m.path, m.format, m.video, m.audio]);
    const sameMounts = was.mounts.length === next.mounts.length && was.mounts.every((m, i) => shape(m) === shape(next.mounts[i] ?? m));
    const changes: Array<[HttpStreamer, ServerConfig['mounts'][number], number]> = [];
    if (fromConfig && !sameMounts) needRestart.push('mounts');
    else if (fromConfig) {
      next.mounts.forEach((m, i) => {
        const streamer = this.parts.streamers.find((s) => s.path === m.path);
        const old = was.mounts[i];
        if (streamer === undefined || old === undefined) return;
        for (const key of ['maxViewers', 'overflowRedirect', 'maxViewerSeconds'] as const) {
          if (old[key] !== m[key]) applied.push(`mounts[${i}].${key}`);
        }
        changes.push([streamer, m, i]);
      });
    }
    const limits: Array<[HttpStreamer, StreamerLimits]> = [];
    for (const [streamer, m, i] of changes) {
      try {
        limits.push([streamer, checkLimits(streamer.name, { maxViewers: m.maxViewers, overflowRedirect: m.overflowRedirect, maxViewerSeconds: m.maxViewerSeconds })]);
      } catch (error) {
        const refused = new ConfigError(`mounts[${i}]`, error instanceof Error ? error.message : String(error), { cause: error });
        log.error('config reload failed: the running settings stay', { error: refused.message });
        return fail(refused);
      }
    }
    for (const [streamer, l] of limits) streamer.setLimits(l);
    if (was.maxBandwidth !== next.maxBandwidth) applied.push('maxBandwidth');
    if (was.expireViewers !== next.expireViewers) applied.push('expireViewers');
    this.live.maxBandwidth = next.maxBandwidth;
    this.live.expireViewers = next.expireViewers;
    this.current = {
      ...was,
      maxBandwidth: next.maxBandwidth,
      expireViewers: next.expireViewers,
      mounts: fromConfig && sameMounts ? next.mounts : was.mounts,
    };
    if (needRestart.length > 0) log.warn('config reloaded; some changes need a restart', { applied, needRestart });
    else log.info('config reloaded', { applied });
    const passwords = needRestart.includes('passwordFile') ? succeed(null) : this.reloadPasswordFile();
    return passwords.addCallback((load: PasswordFileLoad | null): ConfigReload => ({ applied, needRestart, passwords: load }));
  }

  /**
   * Re-reads the password file (`torsion serve` does it on SIGHUP): users added, changed or
   * removed take effect for the next login; viewers already streaming stay. Logs what it loaded
   * (`password file reloaded`, with `users` and `skipped` broken lines). If the file cannot be
   * read, the previous users stay and the Deferred fails with Node's error (also logged). Fires
   * with null when the server has no password file.
   */
  reloadPasswordFile(): Deferred<PasswordFileLoad | null> {
    const passwords = this.passwords;
    if (passwords === null) return succeed(null);
    const log = getLogger();
    return passwords.reload().addCallbacks((load: PasswordFileLoad) => {
      log.info('password file reloaded', { file: passwords.path, users: load.users, skipped: load.errors.length });
      return load;
    }, (failure: Failure) => {
      log.warn('password file reload failed: the previous users stay', { file: passwords.path, error: failure.value });
      return failure;
    }) as Deferred<PasswordFileLoad | null>;
  }

  /**
   * Builds the components, starts the pipeline, and listens (HTTP, and HTTPS when configured).
   * Fires with the server once listening; viewers arriving before the streams are ready wait
   * (bounded) for them. Registers a `before shutdown` trigger that stops the server.
   */
  static start(options: StreamServerOptions): Deferred<StreamServer> {
    const { config, reactor } = options;
    const log = getLogger();
    let bouncer: Bouncer;
    let parts: ServerComponents;
    let flow: Flow;
    let feedServer: FeedServer | null = null;
    let passwords: PasswordFileBouncer | null = null;
    try {
      const feedSecret = options.feedSecret ?? null;
      if (feedSecret !== null) secretBytes(feedSecret);
      if (config.feeds !== null && options.components === undefined && feedSecret !== null) {
        feedServer = new FeedServer({ secret: feedSecret, time: reactor,
          limiter: new FailureRateLimiter({ clock: reactor, ...config.authRateLimit }) });
      }
      const token = new HmacTokenBouncer({ secret: options.secret, clock: options.wallClock });
      passwords = config.passwordFile === null ? null : openPasswordFile(config.passwordFile);
      const inner = passwords === null ? token : new BouncerChain([token, passwords], 'first');
      bouncer = new RateLimitedBouncer(inner, new FailureRateLimiter({ clock: reactor, ...config.authRateLimit }));
      parts = options.components === undefined ? serverComponents(config, { secret: feedSecret, server: feedServer }) : {
        all: options.components,
        streamers: options.components.filter((c): c is HttpStreamer => c instanceof HttpStreamer),
        recorders: options.components.filter((c): c is DiskRecorder => c instanceof DiskRecorder),
      };
      const paths = parts.streamers.map((m) => m.path);
      const twice = paths.find((path, i) => paths.indexOf(path) !== i);
      if (twice !== undefined) throw new ComponentError(`two HTTP streamers serve ${twice}`);
      flow = new Flow(parts.all);
    } catch (error) {
      return fail(error);
    }
    const metrics = new ServerMetrics(parts.all, parts.streamers);
    const live: LiveSettings = { maxBandwidth: config.maxBandwidth, expireViewers: config.expireViewers };
    for (const s of parts.streamers) {
      s.admission = (joining) => bandwidthRefusal(parts.streamers, joining, live.maxBandwidth);
      s.viewerDeadline = (request) => {
        if (!live.expireViewers) return null;
        const claims = decodeToken(request.head.query.get('token') ?? '');
        return claims === null ? null : claims.expiresAt - options.wallClock.seconds();
      };
    }
    const counted: Bouncer = {
      authenticate: (keycard: Keycard) => bouncer.authenticate(keycard).addErrback((f: Failure) => {
        metrics.authFailed(String((f.value as { code?: unknown }).code ?? 'error'));
        return f;
      }),
    };
    let server: StreamServer | null = null;
    const mounts = new Map(parts.streamers.map((s) => [s.path, s]));
    const factory = new HttpHandoffFactory({
      mount: (path) => mounts.get(path),
      bouncer: counted,
      time: reactor,
      other: (head, peer) => (server === null ? null : server.serveOther(head, peer, counted)),
    });
    flow.start(reactor).addCallbacks(() => { log.info('flow playing', { components: parts.all.length }); return null; },
      (failure: Failure) => {
        if (!flow.stopped) log.error('the flow failed to start', { error: failure.value });
        return null;
      });
    // Crowds of viewers join at once: a deep accept queue (Twisted's default of 50 stalls them).
    const listening = reactor.listenTCP(config.port, factory, { interface: config.host, backlog: VIEWER_BACKLOG });
    const tls = config.tls === null ? succeed<ListeningPort | null>(null)
      : (() => {
        try {
          const t = config.tls;
          return reactor.listenTLS(t.port, factory, { cert: readFileSync(t.cert), key: readFileSync(t.key) }, { interface: config.host, backlog: VIEWER_BACKLOG })
            .addCallback((p): ListeningPort | null => p);
        } catch (error) {
          return fail<ListeningPort | null>(error);
        }
      })();
    const ingest = parts.ingest === undefined ? succeed<ListeningPort | null>(null) : (() => {
      const password = config.source.password;
      if (password === null) return fail<ListeningPort | null>(new ConfigError('source.password', 'an ingest source needs a password'));
      const ingestFactory = new IngestFactory({ path: config.source.path, password, sink: parts.ingest, time: reactor });
      return reactor.listenTCP(config.source.port, ingestFactory, { interface: config.host }).addCallback((p): ListeningPort | null => p);
    })();
    const fs = feedServer;
    const feeds = fs === null || config.feeds === null ? succeed<ListeningPort | null>(null)
      : fs.listenTCP(reactor, config.feeds.port, { interface: config.feeds.host }).addCallback((p): ListeningPort | null => p);
    const all = new DeferredList<unknown>([listening as Deferred<unknown>, tls as Deferred<unknown>, ingest as Deferred<unknown>, feeds as Deferred<unknown>],
      { fireOnOneErrback: true, consumeErrors: true });
    return all.addCallbacks((results): StreamServer => {
      server = new StreamServer(options, flow, parts, metrics, results[0]?.[1] as ListeningPort, (results[1]?.[1] ?? null) as ListeningPort | null,
        (results[2]?.[1] ?? null) as ListeningPort | null, fs, (results[3]?.[1] ?? null) as ListeningPort | null, passwords, live);
      if (fs !== null) log.info('offering feeds', { feeds: fs.feeds(), port: server.ports.feeds });
      const s = server;
      reactor.addSystemEventTrigger('before', 'shutdown', () => s.stop());
      return s;
    }, (failure: Failure): Deferred<StreamServer> => {
      const error = (failure.value as { subFailure?: Failure }).subFailure?.value ?? failure.value;
      // A failed listen's result was consumed by the list (undefined): only a bound port needs closing.
      const close = (p: ListeningPort | null | undefined): Deferred<void> | null => (p === undefined || p === null ? null : p.stopListening());
      return new DeferredList<unknown>([listening.addCallback(close) as Deferred<unknown>, tls.addCallback(close) as Deferred<unknown>,
        ingest.addCallback(close) as Deferred<unknown>, feeds.addCallback(close) as Deferred<unknown>, flow.stop() as Deferred<unknown>],
      { consumeErrors: true })
        .addCallback(() => fail<StreamServer>(error));
    });
  }

  /** The HTTP(S) port numbers actually bound. */
  get ports(): { readonly http: number; readonly https: number | null; readonly ingest: number | null; readonly feeds: number | null } {
    const num = (p: ListeningPort | null): number | null => {
      const a = p?.getHost();
      return a !== undefined && a.type === 'TCP' ? a.port : null;
    };
    return { http: num(this.port) ?? 0, https: num(this.tlsPort), ingest: num(this.ingestPort), feeds: num(this.feedPort) };
  }

  /** The path producers push to, when the source is an ingest source. */
  get ingestPath(): string | null {
    return this.parts.ingest === undefined ? null : this.options.config.source.path;
  }

  /** A token for `path` (default `/`: every path) valid `ttlSeconds` from now. */
  token(ttlSeconds: number, path = '/'): string {
    return mintToken(this.options.secret, path, Math.floor(this.options.wallClock.seconds()) + ttlSeconds);
  }

  /** What `/stats` serves. */
  stats(): ServerStats {
    return {
      mounts: this.parts.streamers.map((s) => s.stats()),
      components: this.parts.all.map((c) => c.stats()),
      mood: this.flow.mood,
      uptimeSeconds: Math.round(this.options.reactor.seconds() - this.startedAt),
    };
  }

  /** Stops listening, closes viewers and disposes of the pipeline. Idempotent. */
  stop(): Deferred<void> {
    if (this.stopping !== null) return this.stopping;
    getLogger().info('stream server stopping: closing viewers and the pipeline');
    const ports = [this.port, this.tlsPort, this.ingestPort].filter((p): p is ListeningPort => p !== null);
    const closing = ports.map((p) => p.stopListening());
    if (this.feedServer !== null) closing.push(this.feedServer.close());
    this.stopping = new DeferredList(closing, { consumeErrors: true })
      .addCallback(() => this.flow.stop());
    return this.stopping;
  }

  private serveOther(head: HttpRequestHead, peer: Address, bouncer: Bouncer): Deferred<HttpPlainResponse | null> | null {
    if (head.path !== '/' && head.path !== '/stats' && head.path !== '/metrics') return null;
    const keycard = keycardFor(head, peer);
    const unauthorized: HttpPlainResponse = { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="torsion"' }, body: 'credentials required (?token= or HTTP Basic)\n' };
    if (keycard === null) return succeed<HttpPlainResponse | null>(unauthorized);
    return bouncer.authenticate(keycard).addCallbacks((_ok: AuthResult): HttpPlainResponse | Deferred<HttpPlainResponse> => {
      if (head.path === '/stats') return { status: 200, headers: { 'Content-Type': 'application/json' }, body: `${JSON.stringify(this.stats())}\n` };
      if (head.path === '/metrics') {
        return Deferred.fromPromise(this.metrics.text()).addCallback((text): HttpPlainResponse => (
          { status: 200, headers: { 'Content-Type': this.metrics.contentType }, body: text }));
      }
      return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: statusPage(this.stats(), head.query.get('token') ?? '') };
    }, (failure: Failure): HttpPlainResponse => {
      const status = (failure.value as { status?: unknown }).status;
      return typeof status === 'number' && status !== 401 ? { status, body: `${failure.getErrorMessage()}\n` } : unauthorized;
    });
  }
}
