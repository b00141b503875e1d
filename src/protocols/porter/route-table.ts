/**
 * Which streamer owns a path: exact paths, and prefixes (entries ending in `/`), longest prefix
 * wins — Flumotion's `registerPath`/`registerPrefix`. Pure data; no I/O.
 * Tests: test/protocols/porter/route-table.test.ts.
 */
import { ProtocolUsageError } from '../errors';

/** Maps paths to owners (any value: the porter stores its streamer links). */
export class RouteTable<T> {
  private readonly exact = new Map<string, T>();
  private readonly prefixes = new Map<string, T>();

  /** Adds `path` (exact) or, when it ends with `/`, every path under it. Throws on a duplicate. */
  add(path: string, owner: T): void {
    if (!path.startsWith('/')) throw new ProtocolUsageError(`porter paths start with '/': ${JSON.stringify(path)}`);
    const table = path.endsWith('/') ? this.prefixes : this.exact;
    if (table.has(path)) throw new ProtocolUsageError(`porter path ${path} is already routed`);
    table.set(path, owner);
  }

  /** The owner of `path`: an exact entry first, then the longest matching prefix; undefined if none. */
  lookup(path: string): T | undefined {
    const exact = this.exact.get(path);
    if (exact !== undefined) return exact;
    let best: T | undefined;
    let bestLength = -1;
    for (const [prefix, owner] of this.prefixes) {
      if (prefix.length > bestLength && (path.startsWith(prefix) || `${path}/` === prefix)) {
        best = owner;
        bestLength = prefix.length;
      }
    }
    return best;
  }

  /** Every path and prefix, for logs and status pages. */
  paths(): string[] {
    return [...this.exact.keys(), ...this.prefixes.keys()];
  }
}
