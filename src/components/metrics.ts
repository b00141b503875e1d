/**
 * Prometheus metrics of a stream server (prom-client, one registry per server): viewers, bytes,
 * bitrate, refusals per mount, component moods, authentication failures, and with GDP feeds the
 * edges fed per feed and the connections made to an upstream feed.
 * Tests: test/cli/serve.test.ts (scraped from a running server).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import { MOODS, type Component } from './component';
import { FeedEater, FeedExporter } from './feed-components';
import type { HttpStreamer } from './http-streamer';

/** The metrics of one server. */
export class ServerMetrics {
  readonly registry = new Registry();
  private readonly authFailures: Counter<'code'>;
  private readonly refused: Counter<'mount'>;
  private readonly served: Counter<'mount'>;

  constructor(components: readonly Component[], streamers: readonly HttpStreamer[]) {
    const registers = [this.registry];
    new Gauge({ name: 'torsion_viewers', help: 'Viewers streaming now, per mount.', labelNames: ['mount'], registers,
      collect(this: Gauge<'mount'>) { for (const s of streamers) this.set({ mount: s.path }, s.viewers); } });
    // Cumulative, read from the sink at scrape time; a flow restart starts a new sink (a counter reset, as Prometheus expects).
    new Counter({ name: 'torsion_mount_bytes_served_total', help: 'Bytes written to viewers of a mount (multifdsink bytes-served).',
      labelNames: ['mount'], registers,
      collect(this: Counter<'mount'>) {
        this.reset();
        for (const s of streamers) this.inc({ mount: s.path }, Number(s.sinkStats().bytesServed));
      } });
    new Gauge({ name: 'torsion_mount_bitrate_bits', help: 'Measured bitrate of a mount, bits per second.', labelNames: ['mount'], registers,
      collect(this: Gauge<'mount'>) { for (const s of streamers) this.set({ mount: s.path }, Math.round(s.bitrate)); } });
    new Gauge({ name: 'torsion_component_mood', help: '1 for the mood a component is in, 0 for the others.',
      labelNames: ['component', 'kind', 'mood'], registers,
      collect(this: Gauge<'component' | 'kind' | 'mood'>) {
        for (const c of components) for (const m of MOODS) this.set({ component: c.name, kind: c.kind, mood: m }, c.mood === m ? 1 : 0);
      } });
    const exporters = components.filter((c): c is FeedExporter => c instanceof FeedExporter);
    const eaters = components.filter((c): c is FeedEater => c instanceof FeedEater);
    if (exporters.length > 0) {
      new Gauge({ name: 'torsion_feed_eaters', help: 'Servers (edges) eating a GDP feed of this server now, per feed.', labelNames: ['feed'],
        registers, collect(this: Gauge<'feed'>) { for (const e of exporters) this.set({ feed: e.feed }, e.eaterCount); } });
    }
    if (eaters.length > 0) {
      new Counter({ name: 'torsion_feed_connections_total', help: 'Authenticated connections to an upstream GDP feed, per eating component.',
        labelNames: ['component', 'feed'], registers,
        collect(this: Counter<'component' | 'feed'>) {
          this.reset();
          for (const e of eaters) this.inc({ component: e.name, feed: e.feed }, e.connections);
        } });
    }
    this.served = new Counter({ name: 'torsion_viewers_served_total', help: 'Viewers admitted, per mount.', labelNames: ['mount'], registers });
    this.refused = new Counter({ name: 'torsion_viewers_refused_total', help: 'Viewers answered 503 by a limit, per mount.',
      labelNames: ['mount'], registers });
    this.authFailures = new Counter({ name: 'torsion_auth_failures_total', help: 'Refused credentials, by error code.',
      labelNames: ['code'], registers });
    for (const s of streamers) {
      this.served.inc({ mount: s.path }, 0);
      this.refused.inc({ mount: s.path }, 0);
      s.onViewer = (event, streamer) => {
        if (event === 'joined') this.served.inc({ mount: streamer.path });
        else if (event === 'refused') this.refused.inc({ mount: streamer.path });
      };
    }
  }

  /** Counts a refused credential. */
  authFailed(code: string): void {
    this.authFailures.inc({ code });
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
