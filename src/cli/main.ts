/**
 * Entry point of the `torsion` command: dispatches to the sub-commands in ./commands/.
 * Tests: test/cli/main.test.ts.
 */
import type { Command, CommandIO } from './command';
import { commands } from './commands/index';

function usage(list: readonly Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length), 4);
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return ['Usage: torsion <command> [options]', '', 'Commands:', ...lines, '',
    'Run `torsion <command> --help` for the options of one command.', ''].join('\n');
}

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function main(argv: readonly string[], io: CommandIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(usage(commands));
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (command === undefined) {
    io.stderr.write(`torsion: unknown command '${name}'\n\n${usage(commands)}`);
    return 2;
  }
  return command.run(rest, io);
}

const isEntry = typeof process !== 'undefined' && process.argv[1] !== undefined &&
  /(?:^|[\\/])cli[\\/]main\.(?:ts|js|cjs)$/.test(process.argv[1]);

if (isEntry) {
  main(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env })
    .then((code) => { process.exitCode = code; })
    .catch((err: unknown) => {
      process.stderr.write(`torsion: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    });
}
