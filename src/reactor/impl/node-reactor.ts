/**
 * `NodeReactor`: the reactor on plain libuv, for programs without GStreamer. `run()` keeps a ref'd
 * handle alive until `stop()`. Tests: test/conformance/ (every suite runs on it).
 */
import { PosixReactor } from '../posix-reactor';
import { createNodeDriver } from './node-driver';

export class NodeReactor extends PosixReactor {
  constructor() {
    super(createNodeDriver);
  }
}
