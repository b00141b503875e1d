/**
 * Package-internal access to what a {@link Pipeline} wraps (its GstPipeline, its host, its
 * elements), kept in a WeakMap so no Gst type appears on the public classes. Sinks and sources
 * register as stop participants: the pipeline calls them around every downward state change so the
 * shutdown order of PITFALLS 6 is kept. Tests: test/gst/pipeline.test.ts.
 */
import type { GstCore, GstElement } from './gst';
import type { Host } from './host';
import type { StopParticipant } from './participant';

export type { StopParticipant } from './participant';


/** What sinks and sources need from their pipeline. */
export interface PipelineInternals {
  readonly core: GstCore;
  readonly host: Host;
  readonly element: GstElement;
  /** The named element, or throws GstElementNotFound. */
  getElement(name: string): GstElement;
  /** The pipeline's current state (GstState number), without waiting. */
  currentState(): number;
  addParticipant(participant: StopParticipant): void;
  removeParticipant(participant: StopParticipant): void;
  /** True once dispose() started. */
  isDisposing(): boolean;
}

const registry = new WeakMap<object, PipelineInternals>();

export function setInternals(owner: object, internals: PipelineInternals): void {
  registry.set(owner, internals);
}

export function internalsOf(owner: object): PipelineInternals {
  const found = registry.get(owner);
  if (found === undefined) throw new TypeError('Not a torsion Pipeline');
  return found;
}
