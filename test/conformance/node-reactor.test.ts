/**
 * The conformance suite on `NodeReactor` (plain libuv).
 */
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { NodeReactor } from '../../src/reactor/impl/node-reactor';
import { coreSuite } from './core';
import { countFds, type FullReactorBuilder } from './helpers';
import { timeSuite } from './time';
import { streamSuite } from './streams';
import { tlsSuite } from './tls';
import { makeCertificate, tcpEndpoint, tlsEndpoint, unixEndpoint, type TestCertificate } from './endpoints';

const builder: FullReactorBuilder = { name: 'NodeReactor', build: () => new NodeReactor() };

let baseline = 0;
beforeEach(() => {
  baseline = countFds();
});
afterEach(() => {
  expect(countFds(), 'fds left open').toBe(baseline);
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
