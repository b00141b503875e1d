/**
 * `DiskRecorder`: writes a muxed feed to a file (filesink), Flumotion's disker without rotation.
 * Tests: test/components/flow.test.ts (its fragment), test/cli/serve.test.ts (a real recording).
 */
import { Component, branch, type ComponentStats } from './component';

/** Quotes a value for a gst-launch line. */
export function launchQuote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** Writes one muxed feed to a file. */
export class DiskRecorder extends Component {
  readonly kind = 'disk-recorder';
  readonly feeders: readonly string[] = [];

  constructor(name: string, eater: string, readonly location: string) {
    super(name, [eater]);
  }

  fragment(inputs: readonly string[]): string {
    return `${branch(inputs[0] ?? '')} ! filesink name=${this.name}-sink location=${launchQuote(this.location)} async=false sync=false`;
  }

  override stats(): ComponentStats {
    return { ...super.stats(), location: this.location };
  }
}
