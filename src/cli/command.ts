/**
 * The shape of a `torsion` sub-command. Each command lives in its own file under
 * src/cli/commands/ and is listed in src/cli/main.ts. Commands write through `io`, never straight to
 * `process.stdout`, so tests can run them in-process. Tests: test/cli/.
 */
import type { Readable, Writable } from 'node:stream';

/** Streams and environment a command runs with. */
export interface CommandIO {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One `torsion` sub-command (possibly with sub-commands of its own, e.g. `gdp inspect`). */
export interface Command {
  /** The word after `torsion`. */
  readonly name: string;
  /** One line for `torsion --help`. */
  readonly summary: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(argv: readonly string[], io: CommandIO): Promise<number>;
}
