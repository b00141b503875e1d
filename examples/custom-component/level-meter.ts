/**
 * `LevelMeter`: a custom component written outside the library, the one `docs/guide.md` ("7.
 * Writing a component") walks through. It eats a raw audio feed, measures it with GStreamer's
 * `level` element, passes the audio on unchanged as its `default` feed, and reports what it
 * measured in `/stats`. Hungry until the first measurement arrives, then happy.
 * Tests: test/examples/custom-component.test.ts.
 */
import type { Subscription } from 'rxjs';
import {
  Component, branch, feederTee, getField, parseStructure, succeed, type AttachContext, type ComponentStats, type Deferred,
} from 'torsion';

/** The peak of each channel, in dB, from a `level` message (`level, …, peak=(GValueArray)< -10.5, -10.5 >, …`). */
function peaks(structure: string): number[] {
  const peak = getField(parseStructure(structure), 'peak');
  if (peak?.kind !== 'array') return [];
  return peak.items.map((v) => (v.kind === 'double' || v.kind === 'int' ? v.value : NaN)); // silence is -inf
}

export class LevelMeter extends Component {
  readonly kind = 'level-meter';
  readonly feeders = ['default'];
  private subscription: Subscription | null = null;
  private measurements = 0;
  private peakDb: number[] = [];
  private loudestDb = -Infinity;

  /** Measures `eater` (a raw audio feed, `component:feed`) every `intervalSeconds`. */
  constructor(name: string, eater: string, private readonly intervalSeconds = 0.1) {
    super(name, [eater]);
  }

  /** A branch off the eaten feed's tee, the `level` element, and the tee of our own feed. */
  fragment(inputs: readonly string[]): string {
    const interval = Math.round(this.intervalSeconds * 1e9); // nanoseconds
    return `${branch(inputs[0] ?? '')} ! audioconvert ! level name=${this.name}-level interval=${interval} post-messages=true`
      + ` ! ${feederTee(this.feedElement('default'))}`;
  }

  /** The pipeline exists: listen to the bus for our `level` element's messages. */
  override attach(context: AttachContext): void {
    this.subscription?.unsubscribe(); // a restarted flow attaches again, to a new pipeline
    this.subscription = context.pipeline.messages$.subscribe((m) => {
      if (m.type === 'element' && m.sourceName === `${this.name}-level` && m.structure !== undefined) this.measured(m.structure);
    });
  }

  override start(): Deferred<void> {
    this.setMood('hungry', 'no audio measured yet');
    return succeed(undefined);
  }

  override stop(): Deferred<void> {
    this.subscription?.unsubscribe();
    this.subscription = null;
    return succeed(undefined);
  }

  override stats(): ComponentStats {
    const finite = (n: number): number | null => (Number.isFinite(n) ? Math.round(n * 10) / 10 : null);
    return { ...super.stats(), measurements: this.measurements, peakDb: this.peakDb.map(finite), loudestDb: finite(this.loudestDb) };
  }

  private measured(structure: string): void {
    this.peakDb = peaks(structure);
    this.loudestDb = Math.max(this.loudestDb, ...this.peakDb.filter(Number.isFinite));
    this.measurements += 1;
    if (this.mood !== 'happy') this.setMood('happy');
  }
}
