/**
 * `npm start`: runs the example stream server on its built-in test source and prints where to look.
 * Settings from the environment: PORT (default 8800), HOST (default 127.0.0.1), TORSION_SECRET (the
 * token secret; a random one is made when unset), MAX_VIEWERS (default 1000).
 */
import { randomBytes } from 'node:crypto';
import { startServer } from './server';

const port = Number(process.env['PORT'] ?? 8800);
const host = process.env['HOST'] ?? '127.0.0.1';
const secret = process.env['TORSION_SECRET'] ?? randomBytes(24).toString('base64url');
const maxViewers = Number(process.env['MAX_VIEWERS'] ?? 1000);

const server = await startServer({ port, host, secret, maxViewers });
const bound = server.port.getHost();
const base = `http://${host}:${bound.type === 'TCP' ? bound.port : port}`;
const day = 24 * 3600;
process.stdout.write([
  `Torsion stream server (pid ${process.pid}) listening on ${base}`,
  `  status page: ${base}/?token=${server.token(day)}`,
  `  WebM:        ${base}/live.webm?token=${server.token(day, '/live.webm')}`,
  `  Ogg:         ${base}/live.ogg?token=${server.token(day, '/live.ogg')}`,
  `  try:         gst-launch-1.0 souphttpsrc location='${base}/live.webm?token=${server.token(day, '/live.webm')}' ! matroskademux ! fakesink`,
  process.env['TORSION_SECRET'] === undefined ? '  (TORSION_SECRET was unset: tokens use a random secret made for this run)' : '',
  'Press Ctrl-C to stop.',
  '',
].filter((l) => l !== '').join('\n') + '\n');
await server.stopped;
process.stdout.write('stopped\n');
