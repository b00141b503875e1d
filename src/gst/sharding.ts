/**
 * Sharding (PITFALLS 17): one multifdsink serialises `add` against its writer threads, so at high
 * client counts × buffer rates a single sink stalls the hand-off. `shardedSinkLaunch` writes the
 * launch fragment for a tee feeding N multifdsinks (each behind its own queue and thread); an
 * FdSink attached to the tee's name spreads clients over them, least loaded first.
 * Tests: test/gst/fd-sink-variants.test.ts.
 */
import { GstOptionsError } from './errors';

/** Options of {@link shardedSinkLaunch}. */
export interface ShardOptions {
  /** Extra `key=value` properties for each multifdsink (e.g. `{ 'sync-method': 'latest-keyframe' }`). */
  readonly properties?: Readonly<Record<string, string | number | boolean>>;
  /** `multifdsink` (default) or `multisocketsink`. */
  readonly element?: 'multifdsink' | 'multisocketsink';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/**
 * `tee name=<name> ! queue ! multifdsink name=<name>-0 … <name>. ! queue ! multifdsink name=<name>-<n-1>`:
 * append it to a launch line after `!` and attach an FdSink to `<name>`.
 */
export function shardedSinkLaunch(name: string, shards: number, options: ShardOptions = {}): string {
  if (!NAME.test(name)) throw new GstOptionsError(`Invalid shard name '${name}'.`);
  if (!Number.isInteger(shards) || shards < 1 || shards > 64) throw new GstOptionsError('shards must be an integer in 1..64.');
  const props = Object.entries(options.properties ?? {}).map(([k, v]) => ` ${k}=${String(v)}`).join('');
  const element = options.element ?? 'multifdsink';
  const branches: string[] = [];
  for (let i = 0; i < shards; i++) branches.push(`${name}. ! queue ! ${element} name=${name}-${i} sync=false${props}`);
  return `tee name=${name} allow-not-linked=true ${branches.join(' ')}`;
}
