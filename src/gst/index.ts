/**
 * `torsion/gst`: the GStreamer layer. Pipelines with state changes as Deferreds and the bus as an
 * Observable; FdSink, the client registry over multifdsink/multisocketsink (fd hand-off, policies,
 * the TLS bridge, sharding); FdSource over fdsrc. Importing it never loads node-gtk: GStreamer is
 * loaded when the first Pipeline is made. No Gst type appears here. Guide: docs/gst.md.
 * Tests: test/gst/.
 */
export { Pipeline } from './pipeline';
export type { PipelineOptions, ElementSpec } from './pipeline';
export type { BusMessage, PipelineState, PropertyValue, ReportedState } from './types';
export type { GstReactor } from './host';
export { FdSink } from './fd-sink';
export type { AddClientOptions, ClientSource, Detachable, DetachedFd, FdSinkOptions, FdSinkStats } from './fd-sink';
export { SinkClient } from './sink-client';
export type { ClientEndReason, ClientResult, ClientState } from './sink-client';
export type { Amount, ClientPolicy, QueueLimits, RecoverPolicy, SinkPolicy, SyncMethod, UnitFormat } from './sink-options';
export type { BridgeConsumer } from './tls-bridge';
export { FdSource } from './fd-source';
export { linkedBranches, pruneUnlinkedBranches } from './branches';
export type { FdSourceOptions } from './fd-source';
export { shardedSinkLaunch } from './sharding';
export type { ShardOptions } from './sharding';
export { dupFd, stealSocketFd, closeFd } from './fd-util';
export { isGstLoaded, gstVersion } from './runtime';
export {
  GstError, GstStateChangeError, GstDisposedError, GstElementNotFound, SinkAddError, GstOptionsError,
} from './errors';
export type { GstErrorDetails, SinkAddFailure } from './errors';
export { Feeder, feederSinkLaunch, FEEDER_DEFAULT_POLICY } from './feeds/feeder';
export type { FeederOptions, FeederEvent } from './feeds/feeder';
export { Eater, eaterSourceLaunch } from './feeds/eater';
export type { EaterOptions, EaterEvent, FeederAddress } from './feeds/eater';
export { FeedServer, feedIdentity, parseFeedIdentity } from './feeds/feed-server';
export type { FeedServerOptions, FeedServerEvent } from './feeds/feed-server';
export { FeedFilter } from './feeds/feed-filter';
export type { FeedFilterOptions, FeedFilterStats } from './feeds/feed-filter';
