/**
 * The conformance suite on `GLibReactor` (plain libuv).
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { GLibReactor } from '../../src/reactor/impl/glib-reactor';
import { coreSuite } from './core';
import { countFds, describeFds, warmUpGi, type FullReactorBuilder } from './helpers';
import { timeSuite } from './time';
import { streamSuite } from './streams';
import { tlsSuite } from './tls';
import { detachSuite } from './detach';
import { flowControlSuite } from './flow-control';
import { processSuite } from './process';
import { tcpSuite } from './tcp';
import { makeCertificate, tcpEndpoint, tlsEndpoint, unixEndpoint, type TestCertificate } from './endpoints';

const builder: FullReactorBuilder = { name: 'GLibReactor', build: () => new GLibReactor() };

// The first GLib loop run opens GLib's own long-lived fds (the main context's wake-up eventfd…).
beforeAll(async () => {
  await warmUpGi();
  const r = builder.build();
  r.callWhenRunning(() => r.stop());
  await r.run({ installSignalHandlers: false });
});

let baseline = 0;
let before = '';
beforeEach(() => {
  baseline = countFds();
  before = describeFds();
});
afterEach(() => {
  expect(countFds(), `fds left open: before ${before}; after ${describeFds()}`).toBe(baseline);
});

let cert: TestCertificate | undefined;
const certificate = (): TestCertificate => (cert ??= makeCertificate());
afterAll(() => cert?.dispose());

coreSuite(builder);
timeSuite(builder);
streamSuite(builder, tcpEndpoint);
streamSuite(builder, unixEndpoint);
streamSuite(builder, tlsEndpoint(certificate));
tlsSuite(builder, certificate);
detachSuite(builder, tcpEndpoint);
detachSuite(builder, unixEndpoint);
flowControlSuite(builder, tcpEndpoint);
flowControlSuite(builder, unixEndpoint);
processSuite(builder);
tcpSuite(builder);
