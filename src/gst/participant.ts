/**
 * The stop-participant contract between a Pipeline and the sinks/sources inside it (the shutdown
 * order of PITFALLS 6). No Gst types here, so public classes may implement it.
 * Tests: test/gst/fd-sink-edges.test.ts.
 */

/** Something holding GStreamer-thread signal handlers or fds that the pipeline must coordinate with. */
export interface StopParticipant {
  /** The pipeline is about to go to READY/NULL: disconnect cross-thread signal handlers now. */
  beforeStop(): void;
  /** The pipeline reached READY/NULL: close what the element still held. `final` when disposing. */
  afterStop(final: boolean): void;
}
