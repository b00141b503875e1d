/**
 * Shared pieces of the fan-out benchmark (bench/fanout): the live source every server streams (raw
 * S8 mono audio from `audiotestsrc`, so the byte rate is exact), percentiles, `--flag value`
 * parsing, and the heartbeat that measures a loop's timer lateness.
 */

/** The stream: `kbps` kbit/s of raw audio in `buffersPerSecond` buffers per second. */
export interface StreamSpec {
  readonly kbps: number;
  readonly buffersPerSecond: number;
}

/** Bytes per second of a stream spec. */
export function byteRate(spec: StreamSpec): number {
  return (spec.kbps * 1000) / 8;
}

/** The `audiotestsrc … ! caps` launch fragment of a stream spec (8000 B/s at 64 kbit/s). */
export function sourceLaunch(spec: StreamSpec): string {
  const rate = byteRate(spec);
  const samples = Math.round(rate / spec.buffersPerSecond);
  return `audiotestsrc is-live=true samplesperbuffer=${samples} wave=white-noise ! audio/x-raw,rate=${rate},channels=1,format=S8`;
}

/** The `p` quantile (0..1) of an ascending array (NaN when empty). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

/** Rounds to `digits` decimals (keeps NaN/null as null for JSON). */
export function round(value: number, digits = 2): number | null {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** `--name value` flags from argv into a map (a flag without a value is `"true"`). */
export function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) continue;
    const next = argv[i + 1];
    if (next === undefined || next.startsWith('--')) flags.set(arg.slice(2), 'true');
    else { flags.set(arg.slice(2), next); i++; }
  }
  return flags;
}

/** A numeric flag with a default. */
export function numberFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${v}`);
  return n;
}

/** Timer lateness samples (ms) of a heartbeat, reset at the start of the measured window. */
export class LatenessLog {
  private samples: number[] = [];

  add(ms: number): void {
    if (this.samples.length < 1_000_000) this.samples.push(Math.max(0, ms));
  }

  reset(): void {
    this.samples = [];
  }

  summary(): { p50: number | null; p99: number | null; max: number | null; n: number } {
    const s = [...this.samples].sort((a, b) => a - b);
    return { p50: round(percentile(s, 0.5)), p99: round(percentile(s, 0.99)), max: round(s[s.length - 1] ?? NaN), n: s.length };
  }
}

/** Heartbeat period in seconds (a `callLater`/`setTimeout` every 10 ms). */
export const HEARTBEAT_SECONDS = 0.01;
