/**
 * The components layer: Flumotion-style components with moods, wired into one pipeline by a
 * `Flow`, and the `StreamServer` that `torsion serve` and `npm start` run. Guide:
 * docs/components.md; configuration: docs/config.md. Tests: test/components/.
 */
export { Component, MOODS, branch, feederTee, componentNameProblem, type Mood, type ComponentStats, type AttachContext } from './component';
export { TestSource, type TestSourceOptions } from './test-source';
export { VideoEncoder, AudioEncoder, type VideoCodec, type AudioCodec, type VideoEncoderOptions, type AudioEncoderOptions } from './encoders';
export { Muxer, contentTypeOf, type MuxFormat } from './muxers';
export { FeedExporter, FeedEater, type FeedEaterOptions } from './feed-components';
export {
  HttpStreamer, slowViewerPolicy, burstPolicy, type Burst, type HttpStreamerOptions, type MountStats, type SlowViewerPolicy, type StreamerSink,
  type StreamerLimits, checkLimits,
} from './http-streamer';
export { IngestSource, type IngestSourceOptions } from './ingest-source';
export { IngestFactory, IngestProtocol, GDP_CONTENT_TYPE, type IngestOptions, type ProducerSink, type ProducerFormat } from './ingest-protocol';
export { DiskRecorder, recordingFileName, type DiskRecorderOptions } from './disk-recorder';
export { Flow, flowLaunchLine, elementOwner, type FlowOptions } from './flow';
export { RestartPolicy, type RestartOptions } from './restart-policy';
export {
  parseServerConfig, parseServerConfigText, DEFAULT_MOUNTS, type ServerConfig, type MountConfig, type SourceConfig,
  type EncodingConfig, type RecordingConfig, type TlsConfig, type FeedsConfig, type SourceType,
} from './config';
export { serverComponents, bandwidthRefusal, mountSlug, type ServerComponents, type ServerFeeds } from './server-flow';
export { ServerMetrics } from './metrics';
export { parseLaunchLine, LAUNCH_KINDS } from './launch-line';
export { statusPage as serverStatusPage, type ServerStats } from './status-page';
export { StreamServer, type StreamServerOptions, type StreamServerReactor, type ConfigReload } from './stream-server';
export { serverBanner } from './banner';
export { ComponentError, ConfigError, LaunchLineError } from './errors';
