/** Tests for src/log.ts: the replaceable structured logger. */
import { afterEach, describe, expect, it } from 'vitest';
import { captureLogs, createJsonLogger, formatRecord, getLogger, parseLogLevel, setLogger, type JsonLoggerOptions, type Logger } from '../src/log';

const saved = getLogger();
afterEach(() => {
  setLogger(saved);
});

function lines(options: Omit<JsonLoggerOptions, 'write'> = {}): { logger: Logger; out: string[] } {
  const out: string[] = [];
  const logger = createJsonLogger({ ...options, write: (line) => out.push(line) });
  return { logger, out };
}

describe('JSON logger', () => {
  it('writes one JSON object per line with level, msg and the fields', () => {
    const { logger, out } = lines({ level: 'debug' });
    logger.info('hello', { port: 8800, tags: ['a'] });
    logger.debug('dbg');
    expect(out).toEqual(['{"level":"info","msg":"hello","port":8800,"tags":["a"]}\n', '{"level":"debug","msg":"dbg"}\n']);
  });

  it('drops records below its level', () => {
    const { logger, out } = lines({ level: 'warn' });
    logger.debug('no');
    logger.info('no');
    logger.warn('yes');
    logger.error('yes too');
    expect(out.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual(['warn', 'error']);
    const silent = lines({ level: 'silent' });
    silent.logger.error('nothing');
    expect(silent.out).toEqual([]);
  });

  it('reads its level from TORSION_LOG_LEVEL, defaulting to info', () => {
    const before = process.env['TORSION_LOG_LEVEL'];
    try {
      process.env['TORSION_LOG_LEVEL'] = 'ERROR';
      const a = lines();
      a.logger.warn('dropped');
      a.logger.error('kept');
      expect(a.out).toHaveLength(1);
      delete process.env['TORSION_LOG_LEVEL'];
      const b = lines();
      b.logger.debug('dropped');
      b.logger.info('kept');
      expect(b.out).toHaveLength(1);
      process.env['TORSION_LOG_LEVEL'] = 'nonsense';
      const c = lines();
      c.logger.debug('dropped');
      c.logger.info('kept');
      expect(c.out).toHaveLength(1);
    } finally {
      if (before === undefined) delete process.env['TORSION_LOG_LEVEL'];
      else process.env['TORSION_LOG_LEVEL'] = before;
    }
  });

  it('serialises errors, bigints and cycles', () => {
    const err = Object.assign(new RangeError('bad'), { code: 'TORSION_ERR_X' });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic['self'] = cyclic;
    const parsed = JSON.parse(formatRecord('error', 'm', { err, big: 2n ** 64n, cyclic })) as Record<string, any>;
    expect(parsed['err']).toMatchObject({ name: 'RangeError', message: 'bad', code: 'TORSION_ERR_X' });
    expect(parsed['err'].stack).toContain('RangeError: bad');
    expect(parsed['big']).toBe('18446744073709551616');
    expect(parsed['cyclic']).toEqual({ name: 'loop', self: '[Circular]' });
  });

  it('never throws into the caller, even when the sink does', () => {
    const logger = createJsonLogger({
      level: 'debug',
      write: () => {
        throw new Error('disk full');
      },
    });
    expect(() => logger.error('x')).not.toThrow();
  });

  it('parses level names', () => {
    expect(parseLogLevel(' Warn ')).toBe('warn');
    expect(parseLogLevel(undefined)).toBe('info');
    expect(parseLogLevel('loud', 'error')).toBe('error');
    expect(parseLogLevel('silent')).toBe('silent');
  });
});

describe('replacing the logger', () => {
  it('setLogger swaps the logger and returns the previous one', () => {
    const seen: string[] = [];
    const mine: Logger = { debug: () => undefined, info: (m) => seen.push(m), warn: () => undefined, error: () => undefined };
    const previous = setLogger(mine);
    expect(previous).toBe(saved);
    expect(getLogger()).toBe(mine);
    getLogger().info('routed');
    expect(seen).toEqual(['routed']);
    expect(setLogger(previous)).toBe(mine);
  });

  it('captureLogs records every level until restored', () => {
    const capture = captureLogs();
    getLogger().debug('d', { a: 1 });
    getLogger().warn('w');
    capture.restore();
    getLogger(); // the previous logger is back
    expect(getLogger()).toBe(saved);
    expect(capture.records).toEqual([
      { level: 'debug', message: 'd', fields: { a: 1 } },
      { level: 'warn', message: 'w', fields: {} },
    ]);
  });
});
