/** RouteTable: exact paths, prefixes with the longest match winning, and configuration errors. */
import { describe, expect, it } from 'vitest';
import { ProtocolUsageError } from '../../../src/protocols/errors';
import { RouteTable } from '../../../src/protocols/porter/route-table';

describe('RouteTable', () => {
  const table = new RouteTable<string>();
  table.add('/live.webm', 'webm');
  table.add('/vod/', 'vod');
  table.add('/vod/special/', 'special');
  table.add('/vod/special/exact', 'exact');

  it('prefers an exact path, then the longest prefix', () => {
    expect(table.lookup('/live.webm')).toBe('webm');
    expect(table.lookup('/vod/a.webm')).toBe('vod');
    expect(table.lookup('/vod/special/b')).toBe('special');
    expect(table.lookup('/vod/special/exact')).toBe('exact');
    expect(table.lookup('/vod')).toBe('vod'); // the prefix's own directory
    expect(table.lookup('/vodka')).toBeUndefined();
    expect(table.lookup('/live.webm/x')).toBeUndefined();
    expect(table.lookup('/')).toBeUndefined();
    expect(table.paths().sort()).toEqual(['/live.webm', '/vod/', '/vod/special/', '/vod/special/exact']);
  });

  it('refuses duplicates and relative paths', () => {
    expect(() => table.add('/live.webm', 'again')).toThrow(ProtocolUsageError);
    expect(() => table.add('/vod/', 'again')).toThrow(ProtocolUsageError);
    expect(() => table.add('live.webm', 'x')).toThrow(ProtocolUsageError);
  });
});
