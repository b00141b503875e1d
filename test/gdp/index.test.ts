import { describe, expect, it } from 'vitest';
import * as gdp from 'torsion/gdp';

describe('torsion/gdp public face', () => {
  it('exports the contract of ARCHITECTURE.md', () => {
    expect(gdp.GST_NONE).toBe(0xffffffffffffffffn);
    expect(typeof gdp.GdpDecoder).toBe('function');
    expect(typeof gdp.encodeGdpPacket).toBe('function');
    expect(new gdp.GdpTruncatedError('x')).toBeInstanceOf(gdp.GdpError);
    const d = new gdp.GdpDecoder({ maxPayloadBytes: 1024, verifyCrc: true });
    const [h, p] = gdp.encodeGdpPacket({ kind: 'caps', caps: 'a/b' }, { crcHeader: true, crcPayload: true });
    expect(d.push(h)).toEqual([]);
    expect(d.push(p)).toEqual([{ kind: 'caps', caps: 'a/b' }]);
    d.reset();
    d.end();
  });

  it('exports the text, state and header helpers', () => {
    for (const name of ['parseCaps', 'parseStructure', 'printCaps', 'printStructure', 'GdpStreamState', 'readGdpHeader',
      'writeGdpHeader', 'checkGdpHeader', 'crc16', 'gstEventTypeName', 'bufferFlagNames', 'crcOptionsFromFlags']) {
      expect(typeof (gdp as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('never loads node-gtk or GStreamer', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const dir = new URL('../../src/gdp/', import.meta.url);
    for (const f of readdirSync(dir)) {
      const text = readFileSync(new URL(f, dir), 'utf8');
      const imports = [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
      for (const i of imports) expect(i === '../errors' || i?.startsWith('./'), `${f} imports ${i}`).toBe(true);
    }
  });
});
