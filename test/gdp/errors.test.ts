import { describe, expect, it } from 'vitest';
import { TorsionError } from '../../src/errors';
import * as gdp from '../../src/gdp/index';

const classes = Object.entries(gdp).filter(([name, v]) => typeof v === 'function' && name.startsWith('Gdp') && name.endsWith('Error')) as
  Array<[string, new (...args: never[]) => gdp.GdpError]>;

describe('GDP errors', () => {
  it('are all GdpError subclasses with unique TORSION_ERR_GDP codes and their own name', () => {
    expect(classes.length).toBeGreaterThanOrEqual(14);
    const codes = new Set<string>();
    for (const [name, Cls] of classes) {
      const err = name === 'GdpParseError' ? new gdp.GdpParseError('bad', 'text', 1) : new (Cls as unknown as new (m: string) => gdp.GdpError)('m');
      expect(err).toBeInstanceOf(gdp.GdpError);
      expect(err).toBeInstanceOf(TorsionError);
      expect(err.name).toBe(name);
      expect(err.code).toMatch(/^TORSION_ERR_GDP(_[A-Z_]+)?$/);
      codes.add(err.code);
    }
    expect(codes.size).toBe(classes.length);
  });

  it('carry offset, packets and cause', () => {
    const cause = new Error('inner');
    const e = new gdp.GdpHeaderCrcError('x', { offset: 62, cause, packets: [{ kind: 'caps', caps: 'a' }] });
    expect(e.offset).toBe(62);
    expect(e.cause).toBe(cause);
    expect(e.packets).toEqual([{ kind: 'caps', caps: 'a' }]);
    expect(new gdp.GdpError('y').packets).toEqual([]);
    expect(new gdp.GdpError('y').offset).toBeUndefined();
  });

  it('GdpParseError names the position and shows the text around it', () => {
    const e = new gdp.GdpParseError('expected "="', 'video/x-raw, width', 18);
    expect(e.position).toBe(18);
    expect(e.text).toBe('video/x-raw, width');
    expect(e.message).toContain('position 18');
    expect(e.message).toContain('width');
  });
});
