/**
 * A tiny replaceable structured logger shared by every layer. Library code calls
 * `getLogger().warn('message', { fields })`; an application swaps the sink with `setLogger()`.
 * The default writes one JSON line per record to stderr, dropping records below the level named
 * by the `TORSION_LOG_LEVEL` environment variable (`debug`, `info` — the default —, `warn`,
 * `error`, or `silent`). Records carry no timestamp: `src/` reads no clock except through
 * `ReactorTime` (STYLE.md rule 3); a logger that wants one adds it. Tests: test/log.test.ts.
 */

/** Severity of a record, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Extra structured data attached to a record. */
export type LogFields = Record<string, unknown>;

/** The logging sink. Every method must be cheap and must not throw. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

/** One record, as kept by {@link captureLogs}. */
export interface LogRecord {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: LogFields;
}

const RANK: Readonly<Record<LogLevel | 'silent', number>> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Parse a level name (case-insensitive); anything unknown gives `fallback`. */
export function parseLogLevel(name: string | undefined, fallback: LogLevel | 'silent' = 'info'): LogLevel | 'silent' {
  const lower = name?.trim().toLowerCase();
  return lower !== undefined && Object.prototype.hasOwnProperty.call(RANK, lower) ? (lower as LogLevel | 'silent') : fallback;
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written; default from `TORSION_LOG_LEVEL`, else `info`. */
  readonly level?: LogLevel | 'silent';
  /** Where lines go (each ends with `\n`); default `process.stderr.write`. */
  readonly write?: (line: string) => void;
}

/** A logger writing one JSON object per line: `{"level","msg",...fields}`. Errors become `{name,message,code,stack}`. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = RANK[options.level ?? parseLogLevel(process.env['TORSION_LOG_LEVEL'])];
  const write = options.write ?? ((line: string): void => {
    process.stderr.write(line);
  });
  const emit = (level: LogLevel, message: string, fields?: LogFields): void => {
    if (RANK[level] < threshold) return;
    try {
      write(`${formatRecord(level, message, fields)}\n`);
    } catch {
      // A logger must never throw into the code that logs.
    }
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}

/** The JSON text of one record (without the newline). */
export function formatRecord(level: LogLevel, message: string, fields?: LogFields): string {
  const seen = new WeakSet<object>();
  return JSON.stringify({ level, msg: message, ...fields }, (_key, value: unknown) => {
    if (typeof value === 'bigint') return value.toString();
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      return { name: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack };
    }
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}

let current: Logger | null = null;

/** The logger in use (the JSON-to-stderr default until {@link setLogger} is called). */
export function getLogger(): Logger {
  current ??= createJsonLogger();
  return current;
}

/** Replace the logger; returns the previous one so it can be restored. */
export function setLogger(logger: Logger): Logger {
  const previous = getLogger();
  current = logger;
  return previous;
}

/** What {@link captureLogs} returns. */
export interface LogCapture {
  /** Every record logged since the capture started, in order. */
  readonly records: LogRecord[];
  /** Put the previous logger back. */
  restore(): void;
}

/** For tests: route every record into an array until `restore()` is called. */
export function captureLogs(): LogCapture {
  const records: LogRecord[] = [];
  const push = (level: LogLevel) => (message: string, fields?: LogFields): void => {
    records.push({ level, message, fields: fields ?? {} });
  };
  const previous = setLogger({ debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') });
  return {
    records,
    restore: () => {
      current = previous;
    },
  };
}
