/**
 * The status page of a stream server: mounts (viewers, moods), components, and a `<video>` player
 * of the first WebM mount. Tests: test/examples/status-page-browser.test.ts (plays in Chromium).
 */
import type { ComponentStats } from './component';
import type { MountStats } from './http-streamer';

/** What the page shows (the same object `/stats` serves). */
export interface ServerStats {
  readonly mounts: readonly MountStats[];
  readonly components: readonly ComponentStats[];
  readonly mood: string;
  readonly uptimeSeconds: number;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The HTML of the status page; `token` is appended to every link. */
export function statusPage(stats: ServerStats, token: string): string {
  const q = token === '' ? '' : `?token=${encodeURIComponent(token)}`;
  const rows = stats.mounts.map((m) => `<tr><td><a href="${escape(m.path + q)}">${escape(m.path)}</a></td>`
    + `<td>${escape(m.contentType)}</td><td>${escape(m.mood)}</td><td>${m.viewers}</td><td>${m.served}</td>`
    + `<td>${Math.round(m.bitrate / 1000)}</td></tr>`).join('\n');
  const comps = stats.components.map((c) => `<tr><td>${escape(c.name)}</td><td>${escape(c.kind)}</td><td class="${escape(c.mood)}">${escape(c.mood)}</td></tr>`).join('\n');
  const webm = stats.mounts.find((m) => m.contentType.endsWith('/webm'));
  const player = webm === undefined ? ''
    : `<video id="player" src="${escape(webm.path + q)}" autoplay muted controls width="320" height="240"></video>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Torsion stream server</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:48em}td,th{padding:.2em 1em;text-align:left}.sad{color:#b00}.happy{color:#070}</style>
</head><body>
<h1>Torsion stream server</h1>
${player}
<h2>Mounts</h2>
<table><thead><tr><th>mount</th><th>type</th><th>mood</th><th>viewers</th><th>served</th><th>kbit/s</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>Components</h2>
<table><thead><tr><th>component</th><th>kind</th><th>mood</th></tr></thead><tbody>
${comps}
</tbody></table>
<p>Up ${stats.uptimeSeconds} s. <a href="${escape(`/stats${q}`)}">/stats</a> · <a href="${escape(`/metrics${q}`)}">/metrics</a></p>
</body></html>
`;
}
