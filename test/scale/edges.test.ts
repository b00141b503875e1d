/**
 * Past one machine (issue 8): one producer feeding three edge streamers over authenticated GDP
 * feeds, each edge on its own host address, viewers spread over the edges. Where the machine
 * allows it (root with CAP_NET_ADMIN), each edge runs in a network namespace of its own, joined to
 * the host by a veth pair that the test makes (`ip netns`, `ip link add … type veth`), so the feed
 * and the viewers cross a real (virtual) link between hosts; otherwise each edge gets its own
 * loopback address (127.0.1.1–3; also with TORSION_TEST_NO_NETNS=1). The mode used is printed.
 *
 * Killing one edge (SIGKILL) loses only its viewers: the other edges' viewers keep receiving, the
 * producer sees that edge's eaters leave, and the lost viewers reconnect to another edge and are
 * served. Every process stops with exit 0 on SIGTERM, and the namespaces are removed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mintToken } from '../../src/protocols/index';
import { freePort, playedTail, playFrames, rawViewer, startServer, type RawViewer, type ServeProcess } from '../components/helpers/serve';

const SECRET = 'edges-test-secret-0123456789';
const FEED_SECRET = 'edges-feed-secret-0123456789ab';
const EDGES = 3;
const VIEWERS_PER_EDGE = 10;
const dir = mkdtempSync(join(tmpdir(), 'torsion-edges-'));
const tag = (process.pid % 10000).toString(36);

interface Edge {
  /** The edge's own address (viewers connect here). */
  readonly address: string;
  /** The producer as the edge sees it. */
  readonly upstream: string;
  /** `ip netns exec <ns>` or nothing. */
  readonly prefix: readonly string[];
  readonly ns: string | null;
}

const made: string[] = [];

function ip(args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Three network namespaces with a veth pair each (10.231.<i>.1 host side, .2 edge side), or null when not allowed. */
function namespaces(): Edge[] | null {
  if (process.env['TORSION_TEST_NO_NETNS'] === '1') return null;
  try {
    const edges: Edge[] = [];
    for (let i = 0; i < EDGES; i++) {
      const ns = `torsion-${tag}-${i}`;
      const host = `tv${tag}${i}h`;
      const peer = `tv${tag}${i}e`;
      ip(['netns', 'add', ns]);
      made.push(ns);
      ip(['link', 'add', host, 'type', 'veth', 'peer', 'name', peer]);
      ip(['link', 'set', peer, 'netns', ns]);
      ip(['addr', 'add', `10.231.${i}.1/24`, 'dev', host]);
      ip(['link', 'set', host, 'up']);
      ip(['-n', ns, 'addr', 'add', `10.231.${i}.2/24`, 'dev', peer]);
      ip(['-n', ns, 'link', 'set', peer, 'up']);
      ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      edges.push({ address: `10.231.${i}.2`, upstream: `10.231.${i}.1`, prefix: ['ip', 'netns', 'exec', ns], ns });
    }
    return edges;
  } catch (error) {
    console.log(`edges: network namespaces are not available here (${(error as Error).message.split('\n')[0]}); using loopback addresses`);
    removeNamespaces();
    return null;
  }
}

function removeNamespaces(): void {
  // Deleting a namespace deletes its end of the veth pair, and with it the host end.
  for (const ns of made.splice(0)) {
    try {
      ip(['netns', 'del', ns]);
    } catch {
      // already gone
    }
  }
}

afterAll(() => {
  removeNamespaces();
  rmSync(dir, { recursive: true, force: true });
});

const token = (): string => mintToken(SECRET, '/', Math.floor(Date.now() / 1000) + 600);

function config(name: string, lines: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type Stats = { components: Array<{ name: string; mood: string; eaters?: string[] }> };

async function producerEaters(port: number): Promise<string[]> {
  const s = await (await fetch(`http://127.0.0.1:${port}/stats?token=${token()}`)).json() as Stats;
  return s.components.flatMap((c) => c.eaters ?? []).sort();
}

async function until(probe: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await probe().catch(() => false))) {
    if (Date.now() > end) throw new Error(what);
    await new Promise((r) => setTimeout(r, 200)); // the polling interval of an HTTP probe
  }
}

/** Resolves when the viewer's socket closes (the server went away), rejects after `ms`. */
function closed(v: RawViewer, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    if (v.socket.destroyed || v.socket.readableEnded) { resolve(); return; }
    const t = setTimeout(() => reject(new Error('the viewer was not closed')), ms);
    v.socket.once('close', () => { clearTimeout(t); resolve(); });
  });
}

describe('one producer, three edges on their own addresses', () => {
  it('feeds every edge; killing one loses only its viewers, who are served by another edge', async () => {
    const netns = namespaces();
    const edges: Edge[] = netns ?? [1, 2, 3].map((i) => ({ address: `127.0.1.${i}`, upstream: '127.0.0.1', prefix: [], ns: null }));
    console.log(`edges: ${netns === null ? 'separate processes on loopback addresses' : 'network namespaces joined by veth pairs'}: ${edges.map((e) => e.address).join(', ')}`);
    const [pPort, fPort, ePort] = await Promise.all([freePort(), freePort(), freePort()]);
    const env = { TORSION_SECRET: SECRET, TORSION_FEED_SECRET: FEED_SECRET };
    const servers: ServeProcess[] = [];
    const viewers: RawViewer[][] = [];
    try {
      const producer = await startServer('serve', ['--config', config('producer.yaml', [
        'source: { width: 160, height: 120, framerate: 10 }', 'mounts: [{ path: /live.webm }]', `feeds: { port: ${fPort}, host: 0.0.0.0 }`,
      ]), '--port', String(pPort)], env);
      servers.push(producer);
      const edgeServers = await Promise.all(edges.map((e, i) => startServer('serve', ['--config', config(`edge-${i}.yaml`, [
        `host: ${e.address}`, `source: { type: relay, host: ${e.upstream}, port: ${fPort}, identity: edge-${i} }`, 'mounts: [{ path: /live.webm }]',
      ]), '--port', String(ePort)], env, 90_000, e.prefix)));
      servers.push(...edgeServers);
      await until(async () => (await producerEaters(pPort)).length === EDGES, 30_000, 'not every edge reached the producer');
      expect(await producerEaters(pPort)).toEqual(['edge-0@/live.webm', 'edge-1@/live.webm', 'edge-2@/live.webm']);

      // Viewers spread over the edges; each decodes (one real GStreamer client per edge) and streams.
      for (const e of edges) {
        viewers.push(await Promise.all(Array.from({ length: VIEWERS_PER_EDGE }, () => rawViewer(ePort, `/live.webm?token=${token()}`, e.address))));
      }
      await Promise.all(viewers.flat().map((v) => v.received(v.head.length + 4000, 30_000)));
      const decoded = await Promise.all(edges.map((e) => playFrames(`http://${e.address}:${ePort}/live.webm?token=${token()}`, 'webm')));
      decoded.forEach((r, i) => expect(r.frames, `edge ${i}: ${playedTail(r)}`).toBeGreaterThanOrEqual(5));

      // Kill edge 1: only its viewers are lost.
      const marks = viewers.map((group) => group.map((v) => v.bytes()));
      (edgeServers[1] as ServeProcess).child.kill('SIGKILL');
      await Promise.all((viewers[1] as RawViewer[]).map((v) => closed(v, 20_000)));
      await Promise.all([0, 2].flatMap((g) => (viewers[g] as RawViewer[]).map((v, j) => v.received((marks[g]?.[j] ?? 0) + 8000, 30_000))));
      for (const g of [0, 2]) for (const v of viewers[g] as RawViewer[]) expect(v.socket.destroyed).toBe(false);
      await until(async () => !(await producerEaters(pPort)).includes('edge-1@/live.webm'), 40_000, 'the producer still feeds the killed edge');
      expect(await producerEaters(pPort)).toEqual(['edge-0@/live.webm', 'edge-2@/live.webm']);

      // The lost viewers come back through edge 2.
      const moved = await Promise.all(Array.from({ length: VIEWERS_PER_EDGE }, () => rawViewer(ePort, `/live.webm?token=${token()}`, (edges[2] as Edge).address)));
      viewers.push(moved);
      await Promise.all(moved.map((v) => v.received(v.head.length + 4000, 30_000)));
      for (const v of moved) expect(v.head).toMatch(/^HTTP\/1\.[01] 200/);

      for (const v of viewers.flat()) v.socket.destroy();
      for (const s of [producer, edgeServers[0] as ServeProcess, edgeServers[2] as ServeProcess]) {
        expect(await s.stop(), s.stderr().slice(-2000)).toBe(0);
      }
    } finally {
      for (const v of viewers.flat()) v.socket.destroy();
      for (const s of servers) if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  }, 240_000);
});
