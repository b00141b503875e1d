/**
 * The porter's public face (re-exported from `torsion/protocols`). Guide: docs/porter.md.
 * Tests: test/protocols/porter/.
 */
export { PorterError, PorterPassFailed, RequestLineTooLong } from './errors';
export { RequestLineReader, targetPath, type RequestLine } from './request-line';
export { RouteTable } from './route-table';
export { PrefixReplayFactory, PrefixReplayProtocol } from './prefix-replay';
export {
  PorterProtocol, PorterFactory, type PorterRoute, type PorterRouter, type PorterProtocolOptions,
} from './porter-protocol';
export { StreamerProcess, type StreamerSpec, type StreamerState } from './streamer-process';
export { Porter, type PorterOptions } from './porter';
export { PorterClient, type PorterClientOptions, type PorterChannel } from './porter-client';
export type { ReadyMessage, StoppingMessage, PassMessage, PorterMessage } from './messages';
