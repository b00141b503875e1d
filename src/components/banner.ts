/**
 * The lines a stream server prints when it is up: where to look, with ready-to-open URLs carrying
 * tokens. Shared by `torsion serve` and `npm start`. Tests: test/cli/serve.test.ts.
 */
import type { StreamServer } from './stream-server';

/** The banner; `host` is the address to show (a wildcard listen address shows as 127.0.0.1). */
export function serverBanner(server: StreamServer, host: string, pid: number, secretWasSet: boolean): string {
  const shown = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const base = `http://${shown}:${server.ports.http}`;
  const day = 24 * 3600;
  const lines = [
    `Torsion stream server (pid ${pid}) listening on ${base}`,
    `  status page: ${base}/?token=${server.token(day)}`,
  ];
  for (const m of server.parts.streamers) {
    const label = m.contentType.endsWith('/webm') ? 'WebM:' : m.contentType.endsWith('/ogg') ? 'Ogg:' : `${m.path}:`;
    lines.push(`  ${label.padEnd(12)} ${base}${m.path}?token=${server.token(day, m.path)}`);
  }
  if (server.ports.ingest !== null) lines.push(`  producers:   PUT http://source:<password>@${shown}:${server.ports.ingest}${server.ingestPath ?? ''}`);
  if (server.ports.feeds !== null && server.feedServer !== null) {
    lines.push(`  GDP feeds:   ${server.feedServer.feeds().join(', ')} on port ${server.ports.feeds} (edges: source.type relay)`);
  }
  if (server.ports.https !== null) lines.push(`  HTTPS:       https://${shown}:${server.ports.https}/?token=${server.token(day)}`);
  const webm = server.parts.streamers.find((m) => m.contentType.endsWith('/webm'));
  if (webm !== undefined) {
    lines.push(`  try:         gst-launch-1.0 souphttpsrc location='${base}${webm.path}?token=${server.token(day, webm.path)}' ! matroskademux ! fakesink`);
  }
  if (!secretWasSet) lines.push('  (TORSION_SECRET was unset: tokens use a random secret made for this run)');
  lines.push('Press Ctrl-C to stop.');
  return `${lines.join('\n')}\n`;
}
