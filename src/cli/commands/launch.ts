/**
 * `torsion launch [--port N] <component> ! <component> …`: runs a chain of components given on the
 * command line (the spirit of flumotion-launch; grammar in src/components/launch-line.ts) in the
 * stream server, so its HTTP streamers are served with tokens, a status page, /stats and
 * /metrics, and it stops cleanly on SIGINT/SIGTERM. Tests: test/cli/launch.test.ts.
 */
import type { Command, CommandIO } from '../command';
import type { Component } from '../../components/component';
import { LAUNCH_KINDS, parseLaunchLine } from '../../components/launch-line';
import { loadServeConfig, runStreamServer } from './serve';

const HELP = `Usage: torsion launch [--port <n>] [--host <address>] [--check] <component> [key=value …] ! <component> …

Runs a chain of components, like flumotion-launch, and serves its HTTP streamers with the same
server as \`torsion serve\` (tokens from TORSION_SECRET, status page, /stats, /metrics):

  torsion launch test-source width=160 height=120 ! vp8-encoder ! webm-muxer ! http-streamer path=/cam.webm
  torsion launch test-source name=src ! theora-encoder ! ogg-muxer name=mux ! http-streamer path=/tv.ogg \\
      src.audio ! vorbis-encoder ! mux.
  TORSION_FEED_SECRET=… torsion launch feed-eater host=10.0.0.1 feed=/live.webm ! http-streamer path=/relay.webm

Each component eats the one before it (an encoder after a source takes its own medium); a
component that follows another without '!' starts a new chain; name=… names a component, and
name. (or name.feed) refers to it at either end of a chain. Quote the line or escape '!' in
shells that expand it. A feed-eater eats a GDP feed of another server (torsion serve with feeds:,
port 8802 by default) with the secret in TORSION_FEED_SECRET: as it comes, for a streamer or a
recorder, or with decode=true as raw video and audio for encoders.

Components and their properties:
${Object.entries(LAUNCH_KINDS).map(([k, v]) => `  ${k.padEnd(16)} ${v.props.join(' ') || '-'}`).join('\n')}

Options:
  --port <n>        HTTP port (default: PORT, else 8800; 0 picks a free one)
  --host <address>  address to listen on (default 127.0.0.1)
  --check           parse the line, print the components, and exit
  -h, --help        show this help

Exit status: 0 after a clean stop; 1 when it cannot start; 2 for a usage error or a bad line.
`;

export const launchCommand: Command = {
  name: 'launch',
  summary: 'run a chain of components: test-source ! vp8-encoder ! webm-muxer ! http-streamer',
  async run(argv: readonly string[], io: CommandIO): Promise<number> {
    if (argv[0] === '--help' || argv[0] === '-h' || argv.length === 0) {
      (argv.length === 0 ? io.stderr : io.stdout).write(HELP);
      return argv.length === 0 ? 2 : 0;
    }
    let port: string | null = null;
    let host: string | null = null;
    let check = false;
    let i = 0;
    for (; i < argv.length; i++) {
      const a = argv[i] as string;
      if (a === '--check') check = true;
      else if (a === '--port' || a === '--host') {
        const v = argv[++i];
        if (v === undefined) {
          io.stderr.write(`torsion launch: ${a} needs a value\n`);
          return 2;
        }
        if (a === '--port') port = v;
        else host = v;
      } else if (a.startsWith('--')) {
        io.stderr.write(`torsion launch: unknown option '${a}'\n\n${HELP}`);
        return 2;
      } else break;
    }
    let components: Component[];
    let config;
    try {
      const n = port === null ? null : /^[0-9]{1,5}$/.test(port) && Number(port) <= 65535 ? Number(port) : NaN;
      if (Number.isNaN(n)) throw new RangeError(`--port needs a port number from 0 to 65535, got '${port}'`);
      components = parseLaunchLine(argv.slice(i), { feedSecret: io.env['TORSION_FEED_SECRET'] ?? null });
      config = loadServeConfig({ config: null, port: n, host }, io.env);
    } catch (error) {
      io.stderr.write(`torsion launch: ${error instanceof Error ? error.message : String(error)}\n`);
      return 2;
    }
    if (check) {
      io.stdout.write(components.map((c) => `${c.name} (${c.kind})${c.eaters.length === 0 ? '' : ` eats ${c.eaters.join(', ')}`}\n`).join(''));
      return 0;
    }
    return runStreamServer(io, config, 'launch', components);
  },
};
