/**
 * The conformance suite on `NodeReactor` (plain libuv).
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { NodeReactor } from '../../src/reactor/impl/node-reactor';
import { coreSuite } from './core';
import { countFds, type FullReactorBuilder } from './helpers';
import { timeSuite } from './time';

const builder: FullReactorBuilder = { name: 'NodeReactor', build: () => new NodeReactor() };

let baseline = 0;
beforeEach(() => {
  baseline = countFds();
});
afterEach(() => {
  expect(countFds(), 'fds left open').toBe(baseline);
});

coreSuite(builder);
timeSuite(builder);
