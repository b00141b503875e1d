/** The status page: mounts, viewers, and a `<video>` player of the WebM mount. */
function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function statusPage(stats: Record<string, unknown>, token: string): string {
  const mounts = (stats['mounts'] as Array<{ path: string; contentType: string; viewers: number; served: number }>) ?? [];
  const q = `?token=${encodeURIComponent(token)}`;
  const rows = mounts.map((m) => `<tr><td><a href="${escape(m.path + q)}">${escape(m.path)}</a></td>` +
    `<td>${escape(m.contentType)}</td><td>${m.viewers}</td><td>${m.served}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Torsion stream server</title>
<style>body{font-family:system-ui,sans-serif;margin:2em;max-width:48em}td,th{padding:.2em 1em;text-align:left}</style>
</head><body>
<h1>Torsion stream server</h1>
<video id="player" src="${escape(`/live.webm${q}`)}" autoplay muted controls width="320" height="240"></video>
<table><thead><tr><th>mount</th><th>type</th><th>viewers</th><th>served</th></tr></thead><tbody>
${rows}
</tbody></table>
<p>Up ${escape(String(stats['uptimeSeconds']))} s. <a href="${escape(`/stats${q}`)}">/stats</a></p>
</body></html>
`;
}
